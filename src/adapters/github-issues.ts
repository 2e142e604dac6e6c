/**
 * Issues through GitHub's REST API, for bots that keep one issue open while a condition lasts (the CRIC
 * drift issue): find the open one by label and marker, open one, edit or close it. Used by
 * `OctokitCodeHost`; failures become OperationalErrors through its `call`.
 */
import { InternalError } from "../core/errors.js";
import type { IssueChanges } from "../core/ports.js";
import type { PullRequestApi } from "./github-prs.js";

const repository = (api: PullRequestApi) => `${api.owner}/${api.repo}`;

export async function findOpenIssue(
  api: PullRequestApi,
  label: string,
  marker: string,
): Promise<{ number: number; body: string } | undefined> {
  // An empty marker would match every issue with the label and overwrite someone else's.
  if (marker.trim() === "") throw new InternalError("findOpenIssue needs a non-empty marker");
  const issues = await api.call(
    {
      action: `listing the open issues labelled ${label}`,
      permission: "issues: read",
      notFound: `repository ${repository(api)} not found, or the token cannot see it`,
    },
    () =>
      api.octokit.paginate(api.octokit.rest.issues.listForRepo, {
        owner: api.owner,
        repo: api.repo,
        state: "open",
        labels: label,
        sort: "created",
        direction: "asc",
        per_page: 100,
      }),
  );
  // The issues list includes pull requests; a lenient server might also ignore the filters.
  const found = issues
    .filter((i) => i.pull_request === undefined && i.state === "open")
    .filter((i) => i.labels.some((l) => (typeof l === "string" ? l : l.name) === label))
    .filter((i) => (i.body ?? "").includes(marker))
    .sort((a, b) => a.number - b.number)[0];
  return found ? { number: found.number, body: found.body ?? "" } : undefined;
}

export async function createIssue(
  api: PullRequestApi,
  title: string,
  body: string,
  labels: readonly string[],
): Promise<number> {
  const { data } = await api.call(
    {
      action: `opening issue "${title}"`,
      permission: "issues: write",
      notFound: `repository ${repository(api)} not found, the token cannot see it, or its issues are disabled`,
    },
    () =>
      api.octokit.rest.issues.create({
        owner: api.owner,
        repo: api.repo,
        title,
        body,
        labels: [...labels],
      }),
  );
  return data.number;
}

export async function updateIssue(api: PullRequestApi, number: number, changes: IssueChanges): Promise<void> {
  await api.call(
    {
      action: `${changes.state === "closed" ? "closing" : "updating"} issue #${number}`,
      permission: "issues: write",
      notFound: `issue #${number} not found in ${repository(api)}, or the token cannot see it`,
    },
    () =>
      api.octokit.rest.issues.update({
        owner: api.owner,
        repo: api.repo,
        issue_number: number,
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.body !== undefined ? { body: changes.body } : {}),
        ...(changes.state !== undefined ? { state: changes.state } : {}),
      }),
  );
}
