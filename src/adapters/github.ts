/**
 * `CodeHost` on GitHub's REST API through octokit (retries and rate limits: `github-client.ts`).
 * Failures become OperationalErrors naming what to fix (`github-errors.ts`).
 */
import { InternalError } from "../core/errors.js";
import type {
  CodeHost,
  CommitStatusInput,
  IssueChanges,
  NewPullRequest,
  PullRequestCommit,
  PullRequestInfo,
  PullRequestReview,
} from "../core/ports.js";
import {
  apiRoot,
  createGitHubClient,
  type GitHubClient,
  type OctokitCodeHostOptions,
} from "./github-client.js";
import { type GitHubCallContext, toOperationalError } from "./github-errors.js";
import * as issues from "./github-issues.js";
import * as pulls from "./github-prs.js";

export type { OctokitCodeHostOptions } from "./github-client.js";

const REVIEW_STATES = new Set<PullRequestReview["state"]>([
  "APPROVED",
  "CHANGES_REQUESTED",
  "COMMENTED",
  "DISMISSED",
  "PENDING",
]);
/** GitHub refuses status descriptions over 140 characters. */
export const STATUS_DESCRIPTION_MAX = 140;

export class OctokitCodeHost implements CodeHost {
  private readonly octokit: GitHubClient;
  private readonly owner: string;
  private readonly repo: string;
  private readonly baseUrl: string;
  private readonly commentAuthor: string | undefined;

  constructor(options: OctokitCodeHostOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.baseUrl = apiRoot(options);
    this.commentAuthor = options.commentAuthor;
    this.octokit = createGitHubClient(options);
  }

  async getPullRequest(number: number): Promise<PullRequestInfo> {
    const { data } = await this.call(this.pullContext(number, "reading"), () =>
      this.octokit.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number }),
    );
    const author = data.user.login;
    return {
      number: data.number,
      title: data.title,
      body: data.body ?? "",
      state: data.state === "closed" ? "closed" : "open",
      merged: data.merged,
      draft: data.draft ?? false,
      author,
      authorIsBot: data.user.type === "Bot" || author.endsWith("[bot]"),
      baseRef: data.base.ref,
      baseSha: data.base.sha,
      headRef: data.head.ref,
      headSha: data.head.sha,
      labels: data.labels.map((label) => label.name),
      createdAt: data.created_at,
      url: data.html_url,
    };
  }

  async listReviews(number: number): Promise<PullRequestReview[]> {
    const reviews = await this.call(this.pullContext(number, "listing the reviews of"), () =>
      this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        per_page: 100,
      }),
    );
    return reviews.map((review) => {
      const upper = review.state.toUpperCase() as PullRequestReview["state"];
      return {
        user: review.user?.login ?? "ghost",
        // An unknown future state is never an approval.
        state: REVIEW_STATES.has(upper) ? upper : "COMMENTED",
        ...(review.submitted_at ? { submittedAt: review.submitted_at } : {}),
        commitId: review.commit_id ?? "",
      };
    });
  }

  async listPullRequestCommits(number: number): Promise<PullRequestCommit[]> {
    // GitHub lists at most 250 commits of a pull request here.
    const commits = await this.call(this.pullContext(number, "listing the commits of"), () =>
      this.octokit.paginate(this.octokit.rest.pulls.listCommits, {
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        per_page: 100,
      }),
    );
    return commits.map((c) => ({
      sha: c.sha,
      message: c.commit.message,
      author: c.author?.login ?? c.commit.author?.name ?? "",
    }));
  }

  async upsertComment(
    number: number,
    marker: string,
    body: string,
  ): Promise<{ id: number; created: boolean }> {
    // An empty marker would match every comment and overwrite someone else's.
    if (marker.trim() === "") throw new InternalError("upsertComment needs a non-empty marker");
    const text = body.includes(marker) ? body : `${marker}\n${body}`;
    const context: GitHubCallContext = {
      action: `writing the siteops comment on pull request #${number}`,
      permission: "pull-requests: write (or issues: write)",
      notFound: `pull request #${number} not found in ${this.repository}, or the token cannot see it`,
    };
    const comments = await this.call({ ...context, permission: "pull-requests: read" }, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        per_page: 100,
      }),
    );
    const existing = this.pickComment(comments.filter((c) => c.body?.includes(marker)));
    if (existing) {
      if (existing.body !== text) {
        await this.call(
          { ...context, notFound: `comment ${existing.id} on pull request #${number} no longer exists` },
          () =>
            this.octokit.rest.issues.updateComment({
              owner: this.owner,
              repo: this.repo,
              comment_id: existing.id,
              body: text,
            }),
        );
      }
      return { id: existing.id, created: false };
    }
    const { data } = await this.call(context, () =>
      this.octokit.rest.issues.createComment({
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        body: text,
      }),
    );
    return { id: data.id, created: true };
  }

  async setCommitStatus(sha: string, status: CommitStatusInput): Promise<void> {
    await this.call(
      {
        action: `setting the "${status.context}" status of commit ${sha.slice(0, 12)}`,
        permission: "statuses: write",
        notFound: `commit ${sha} not found in ${this.repository}, or the token cannot see it`,
      },
      () =>
        this.octokit.rest.repos.createCommitStatus({
          owner: this.owner,
          repo: this.repo,
          sha,
          state: status.state,
          context: status.context,
          description: truncate(status.description, STATUS_DESCRIPTION_MAX),
          ...(status.targetUrl !== undefined ? { target_url: status.targetUrl } : {}),
        }),
    );
  }

  async teamMembers(org: string, team: string): Promise<string[]> {
    const members = await this.call(
      {
        action: `listing the members of team ${org}/${team}`,
        permission: "members: read (organization)",
        notFound:
          `team ${org}/${team} not found, or the token cannot see it: reading teams needs a token with ` +
          `members: read on the ${org} organization (the workflow GITHUB_TOKEN cannot read teams)`,
      },
      () =>
        this.octokit.paginate(this.octokit.rest.teams.listMembersInOrg, {
          org,
          team_slug: team,
          per_page: 100,
        }),
    );
    return members.map((m) => m.login);
  }

  async userExists(login: string): Promise<boolean> {
    try {
      await this.octokit.rest.users.getByUsername({ username: login });
      return true;
    } catch (error) {
      if ((error as { status?: unknown }).status === 404) return false;
      throw toOperationalError(
        error,
        {
          action: `looking up user ${login}`,
          permission: "(none: public data)",
          notFound: `user ${login} not found`,
        },
        { baseUrl: this.baseUrl, repository: this.repository },
      );
    }
  }

  listPullRequestsByHead(branch: string, state: "open" | "closed" | "all"): Promise<PullRequestInfo[]> {
    return pulls.listPullRequestsByHead(this.pullApi(), branch, state);
  }

  createPullRequest(input: NewPullRequest): Promise<PullRequestInfo> {
    return pulls.createPullRequest(this.pullApi(), input);
  }

  updatePullRequest(number: number, changes: { title?: string; body?: string }): Promise<PullRequestInfo> {
    return pulls.updatePullRequest(this.pullApi(), number, changes);
  }

  addLabels(number: number, labels: readonly string[]): Promise<void> {
    return pulls.addLabels(this.pullApi(), number, labels);
  }

  findOpenIssue(label: string, marker: string): Promise<{ number: number; body: string } | undefined> {
    return issues.findOpenIssue(this.pullApi(), label, marker);
  }

  createIssue(title: string, body: string, labels: readonly string[]): Promise<number> {
    return issues.createIssue(this.pullApi(), title, body, labels);
  }

  updateIssue(number: number, changes: IssueChanges): Promise<void> {
    return issues.updateIssue(this.pullApi(), number, changes);
  }

  private pullApi(): pulls.PullRequestApi {
    return {
      octokit: this.octokit,
      owner: this.owner,
      repo: this.repo,
      call: (context, fn) => this.call(context, fn),
    };
  }

  private get repository(): string {
    return `${this.owner}/${this.repo}`;
  }

  private pullContext(number: number, verb: string): GitHubCallContext {
    return {
      action: `${verb} pull request #${number}`,
      permission: "pull-requests: read",
      notFound: `pull request #${number} not found in ${this.repository}, or the token cannot see it`,
    };
  }

  /** Among comments carrying the marker: the configured author's, else a bot's, else the oldest. */
  private pickComment<T extends { user: { login: string; type: string } | null }>(found: T[]): T | undefined {
    const byAuthor = this.commentAuthor
      ? found.find((c) => c.user?.login.toLowerCase() === this.commentAuthor?.toLowerCase())
      : undefined;
    const byBot = found.find((c) => c.user?.type === "Bot" || c.user?.login.endsWith("[bot]"));
    return byAuthor ?? byBot ?? found[0];
  }

  private async call<T>(context: GitHubCallContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toOperationalError(error, context, { baseUrl: this.baseUrl, repository: this.repository });
    }
  }
}

/** At most `max` characters (code points), ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
