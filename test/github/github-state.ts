/**
 * The in-memory GitHub behind the test server: one repository with pull requests (seeded from real
 * webhook example payloads), their reviews, commits and issue comments, commit statuses, teams and users.
 * Objects are stored in their REST shape and returned as they are, so a test may also change them directly.
 */
import {
  renumberPullRequest,
  restCommit,
  restIssueComment,
  restLabel,
  restPullRequest,
  restReview,
  restStatus,
  retargetPayload,
} from "./rest-objects.js";
import {
  clone,
  type Json,
  loadWebhookExample,
  publicUser,
  replaceInStrings,
  simpleUser,
  timestamp,
  type WebhookPayload,
} from "./webhook-examples.js";

/** Fields of a pull request a test may set when seeding or editing it. */
export interface PullRequestChanges {
  title?: string;
  body?: string | null;
  state?: "open" | "closed";
  merged?: boolean;
  draft?: boolean;
  /** Login of the author; `[bot]` logins become `type: "Bot"`. */
  author?: string;
  labels?: string[];
  headSha?: string;
  headRef?: string;
  baseSha?: string;
  baseRef?: string;
}

export interface ReviewSeed {
  user: string;
  state?: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  commitId?: string;
  body?: string;
  /** Defaults to now; `null` leaves it out (pending reviews). */
  submittedAt?: string | null;
}

export interface StatusRecord {
  sha: string;
  status: Json;
}

export class GitHubState {
  readonly owner: string;
  readonly repo: string;
  /** The authenticated identity: author of comments and statuses created through the API. */
  viewer: Json;
  repository: Json | undefined;
  readonly pulls = new Map<number, Json>();
  readonly reviews = new Map<number, Json[]>();
  readonly commits = new Map<number, Json[]>();
  /** Issue comments by issue (pull request) number, oldest first. */
  readonly comments = new Map<number, Json[]>();
  readonly statuses: StatusRecord[] = [];
  /** Team members' logins by `org/team_slug`. */
  readonly teams = new Map<string, string[]>();
  /** Users and organisations by lower-case login (PR authors, reviewers and commenters are added too). */
  readonly users = new Map<string, Json>();
  private lastId = 1_000_000;

  constructor(options: { owner?: string; repo?: string; viewer?: string } = {}) {
    this.owner = options.owner ?? "Codertocat";
    this.repo = options.repo ?? "Hello-World";
    this.viewer = this.addUser(options.viewer ?? "github-actions[bot]");
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  nextId(): number {
    return ++this.lastId;
  }

  /**
   * Adds a pull request from a real webhook payload (`payload.pull_request` and `payload.repository`,
   * moved to this state's owner/repo), then applies `changes`. Also adds one commit (the head).
   */
  seedPullRequest(
    payload: WebhookPayload = loadWebhookExample("pull_request", "opened"),
    changes: PullRequestChanges & { number?: number } = {},
  ): Json {
    const { number, ...rest } = changes;
    const retargeted = retargetPayload(payload, this.owner, this.repo, this.addUser(this.owner));
    let pr = restPullRequest(retargeted.pull_request as Json);
    const old = pr.number as number;
    if (number !== undefined && number !== old) {
      pr = renumberPullRequest(pr, old, number);
      pr.id = (pr.id as number) + number;
    }
    this.repository ??= retargeted.repository as Json;
    this.pulls.set(pr.number as number, pr);
    this.remember(pr.user as Json);
    this.editPullRequest(pr.number as number, rest, false);
    const head = pr.head as Json;
    this.commits.set(pr.number as number, []);
    this.addCommit(pr.number as number, {
      sha: head.sha as string,
      author: (pr.user as Json).login as string,
    });
    return pr;
  }

  /**
   * A `pull_request` webhook payload (the real example of `action`) describing a seeded pull request as the
   * state has it now: write it to a file for `siteops check --event FILE`, so event and API agree.
   */
  pullRequestEvent(number: number, action = "opened"): WebhookPayload {
    const pr = clone(this.pullRequest(number));
    const example = loadWebhookExample("pull_request", action);
    const after = action === "synchronize" ? { after: (pr.head as Json).sha } : {};
    return { ...example, ...after, number, pull_request: pr, repository: clone(this.repository) };
  }

  /** The live REST object of a pull request (changes to it are served by the next request). */
  pullRequest(number: number): Json {
    const pr = this.pulls.get(number);
    if (!pr) throw new Error(`test GitHub has no pull request #${number}; seed it with seedPullRequest()`);
    return pr;
  }

  /**
   * Changes a pull request as GitHub would after an edit, push or merge (`updated_at` moves on); a new
   * `headSha` also appends that commit to the pull request's commits.
   */
  editPullRequest(number: number, changes: PullRequestChanges, touch = true): Json {
    const pr = this.pullRequest(number);
    if (changes.headSha !== undefined) {
      // In place, so objects a test holds stay live; `statuses_url` carries the sha too.
      Object.assign(pr, replaceInStrings({ ...pr }, (pr.head as Json).sha as string, changes.headSha));
    }
    const now = timestamp();
    if (changes.title !== undefined) pr.title = changes.title;
    if (changes.body !== undefined) pr.body = changes.body;
    if (changes.draft !== undefined) pr.draft = changes.draft;
    if (changes.state !== undefined) {
      pr.state = changes.state;
      pr.closed_at = changes.state === "closed" ? now : null;
    }
    if (changes.merged !== undefined) {
      pr.merged = changes.merged;
      pr.merged_at = changes.merged ? now : null;
      if (changes.merged) Object.assign(pr, { state: "closed", closed_at: now });
    }
    if (changes.author !== undefined) pr.user = this.addUser(changes.author);
    if (changes.labels !== undefined) pr.labels = changes.labels.map((name) => this.label(name));
    if (changes.headRef !== undefined) {
      const h = pr.head as Json;
      Object.assign(h, {
        ref: changes.headRef,
        label: `${(h.user as Json).login as string}:${changes.headRef}`,
      });
    }
    if (changes.baseSha !== undefined) (pr.base as Json).sha = changes.baseSha;
    if (changes.baseRef !== undefined) {
      Object.assign(pr.base as Json, { ref: changes.baseRef, label: `${this.owner}:${changes.baseRef}` });
    }
    const commits = this.commits.get(number);
    if (changes.headSha !== undefined && commits && !commits.some((c) => c.sha === changes.headSha)) {
      this.addCommit(number, { sha: changes.headSha, message: "Push to the pull request" }); // as a push would
    }
    if (touch) pr.updated_at = now;
    return pr;
  }

  addReview(number: number, seed: ReviewSeed): Json {
    const pr = this.pullRequest(number);
    const state = seed.state ?? "APPROVED";
    const submittedAt = seed.submittedAt === undefined ? timestamp() : seed.submittedAt;
    const review = restReview({
      id: this.nextId(),
      user: this.addUser(seed.user),
      state,
      commitId: seed.commitId ?? ((pr.head as Json).sha as string),
      ...(submittedAt !== null && state !== "PENDING" ? { submittedAt } : {}),
      ...(seed.body !== undefined ? { body: seed.body } : {}),
      pullRequestUrl: pr.url as string,
      htmlUrl: pr.html_url as string,
    });
    this.list(this.reviews, number).push(review);
    return review;
  }

  addCommit(number: number, seed: { message?: string; author?: string | null; sha?: string }): Json {
    const pr = this.pullRequest(number);
    const repo = (pr.base as Json).repo as Json;
    const list = this.list(this.commits, number);
    const author =
      seed.author === null ? null : this.addUser(seed.author ?? ((pr.user as Json).login as string));
    const commit = restCommit({
      sha: seed.sha ?? fakeSha(this.nextId()),
      message: seed.message ?? ((loadWebhookExample("push").head_commit as Json).message as string),
      author,
      authorName: author ? (author.login as string) : "Unknown Author",
      repoApiUrl: repo.url as string,
      repoHtmlUrl: repo.html_url as string,
      ...(list.length > 0 ? { parent: list[list.length - 1]!.sha as string } : {}),
    });
    list.push(commit);
    return commit;
  }

  /** Adds an issue comment on a pull request, as `user` (default: the viewer). */
  addComment(number: number, body: string, user?: string): Json {
    const pr = this.pullRequest(number);
    const comment = restIssueComment({
      id: this.nextId(),
      body,
      user: user === undefined ? this.viewer : this.addUser(user),
      issueUrl: pr.issue_url as string,
      htmlUrl: pr.html_url as string,
      createdAt: timestamp(),
    });
    this.list(this.comments, number).push(comment);
    return comment;
  }

  /** The comments on a pull request, oldest first. */
  commentsOn(number: number): Json[] {
    return this.comments.get(number) ?? [];
  }

  findComment(id: number): Json | undefined {
    for (const list of this.comments.values()) {
      const found = list.find((c) => c.id === id);
      if (found) return found;
    }
    return undefined;
  }

  addStatus(
    sha: string,
    fields: { state: string; context?: string; description?: string | null; targetUrl?: string | null },
  ): Json {
    const status = restStatus({
      id: this.nextId(),
      sha,
      state: fields.state,
      context: fields.context ?? "default",
      description: fields.description ?? null,
      targetUrl: fields.targetUrl ?? null,
      creator: this.viewer,
      repoApiUrl:
        (this.repository?.url as string | undefined) ?? `https://api.github.com/repos/${this.fullName}`,
      createdAt: timestamp(),
    });
    this.statuses.push({ sha, status });
    return status;
  }

  /** Statuses of a commit, newest first (as GitHub lists them). */
  statusesFor(sha: string): Json[] {
    return this.statuses
      .filter((s) => s.sha === sha)
      .map((s) => s.status)
      .reverse();
  }

  setTeam(org: string, teamSlug: string, logins: string[]): void {
    for (const login of logins) this.addUser(login);
    this.teams.set(`${org}/${teamSlug}`.toLowerCase(), [...logins]);
  }

  /** Adds (or returns) a user; example logins (`octocat`, `renovate[bot]`) keep their example objects. */
  addUser(login: string, type?: "User" | "Bot" | "Organization"): Json {
    const known = this.users.get(login.toLowerCase());
    if (known && (type === undefined || known.type === type)) return known;
    const user = simpleUser(login, type);
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  /** The `public-user` of GET /users/{username}, or undefined for an unknown login. */
  publicUser(login: string): Json | undefined {
    const user = this.users.get(login.toLowerCase());
    return user ? publicUser(user) : undefined;
  }

  private remember(user: Json): void {
    const key = (user.login as string).toLowerCase();
    if (!this.users.has(key)) this.users.set(key, user);
  }

  private label(name: string): Json {
    return restLabel(this.nextId(), name, this.fullName);
  }

  private list<T>(map: Map<number, T[]>, key: number): T[] {
    const list = map.get(key) ?? [];
    map.set(key, list);
    return list;
  }
}

/** A 40-hex commit id derived from a number (stable, unique per state). */
export function fakeSha(n: number): string {
  return n.toString(16).padStart(40, "c").slice(-40);
}
