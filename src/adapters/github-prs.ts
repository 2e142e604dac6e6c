/**
 * Writing pull requests through GitHub's REST API, for bots that keep one pull request per branch
 * (the corepower bot): list by head branch, create, update title/body, add labels. Used by
 * `OctokitCodeHost`; failures become OperationalErrors through its `call`.
 */
import type { NewPullRequest, PullRequestInfo } from "../core/ports.js";
import type { GitHubClient } from "./github-client.js";
import type { GitHubCallContext } from "./github-errors.js";

export interface PullRequestApi {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  call<T>(context: GitHubCallContext, fn: () => Promise<T>): Promise<T>;
}

/** The fields of a REST `pull-request` or `pull-request-simple` read here. */
interface RestPull {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  merged?: boolean;
  merged_at?: string | null;
  draft?: boolean;
  user: { login: string; type?: string } | null;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  labels: Array<{ name?: string } | string>;
  created_at: string;
  html_url: string;
}

export function toPullRequestInfo(data: RestPull): PullRequestInfo {
  const author = data.user?.login ?? "ghost";
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? "",
    state: data.state === "closed" ? "closed" : "open",
    merged: data.merged ?? (data.merged_at !== null && data.merged_at !== undefined),
    draft: data.draft ?? false,
    author,
    authorIsBot: data.user?.type === "Bot" || author.endsWith("[bot]"),
    baseRef: data.base.ref,
    baseSha: data.base.sha,
    headRef: data.head.ref,
    headSha: data.head.sha,
    labels: data.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
    createdAt: data.created_at,
    url: data.html_url,
  };
}

const repository = (api: PullRequestApi) => `${api.owner}/${api.repo}`;

export async function listPullRequestsByHead(
  api: PullRequestApi,
  branch: string,
  state: "open" | "closed" | "all",
): Promise<PullRequestInfo[]> {
  const pulls = await api.call(
    {
      action: `listing the ${state === "all" ? "" : `${state} `}pull requests of branch ${branch}`,
      permission: "pull-requests: read",
      notFound: `repository ${repository(api)} not found, or the token cannot see it`,
    },
    () =>
      api.octokit.paginate(api.octokit.rest.pulls.list, {
        owner: api.owner,
        repo: api.repo,
        state,
        head: `${api.owner}:${branch}`,
        sort: "created",
        direction: "desc",
        per_page: 100,
      }),
  );
  // GitHub filters by head already; the check keeps a lenient server from mixing in other branches.
  return pulls.filter((p) => p.head.ref === branch).map((p) => toPullRequestInfo(p as RestPull));
}

export async function createPullRequest(
  api: PullRequestApi,
  input: NewPullRequest,
): Promise<PullRequestInfo> {
  const { data } = await api.call(
    {
      action: `opening a pull request from ${input.head} into ${input.base}`,
      permission: "pull-requests: write",
      notFound: `repository ${repository(api)} not found, or the token cannot see it`,
    },
    () =>
      api.octokit.rest.pulls.create({
        owner: api.owner,
        repo: api.repo,
        title: input.title,
        body: input.body,
        head: input.head,
        base: input.base,
        ...(input.draft !== undefined ? { draft: input.draft } : {}),
      }),
  );
  return toPullRequestInfo(data as RestPull);
}

export async function updatePullRequest(
  api: PullRequestApi,
  number: number,
  changes: { title?: string; body?: string },
): Promise<PullRequestInfo> {
  const { data } = await api.call(
    {
      action: `updating pull request #${number}`,
      permission: "pull-requests: write",
      notFound: `pull request #${number} not found in ${repository(api)}, or the token cannot see it`,
    },
    () =>
      api.octokit.rest.pulls.update({
        owner: api.owner,
        repo: api.repo,
        pull_number: number,
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.body !== undefined ? { body: changes.body } : {}),
      }),
  );
  return toPullRequestInfo(data as RestPull);
}

export async function addLabels(
  api: PullRequestApi,
  number: number,
  labels: readonly string[],
): Promise<void> {
  if (labels.length === 0) return;
  await api.call(
    {
      action: `labelling pull request #${number}`,
      permission: "pull-requests: write (or issues: write)",
      notFound: `pull request #${number} not found in ${repository(api)}, or the token cannot see it`,
    },
    () =>
      api.octokit.rest.issues.addLabels({
        owner: api.owner,
        repo: api.repo,
        issue_number: number,
        labels: [...labels],
      }),
  );
}
