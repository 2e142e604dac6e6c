/**
 * REST objects (in the shapes of GitHub's REST description) built from the real webhook examples: the
 * webhook objects share the REST shapes, and the builders only add what the REST description requires
 * and webhooks leave out. The test server validates every response, so drift shows up as a violation.
 */
import {
  clone,
  type Json,
  loadWebhookExample,
  replaceInStrings,
  type WebhookPayload,
} from "./webhook-examples.js";

/** A REST `pull-request` from a webhook `pull_request` object. */
export function restPullRequest(webhookPr: Json): Json {
  return { auto_merge: null, ...clone(webhookPr) };
}

/** A REST `pull-request-review` from the `pull_request_review` example's `review`. */
export function restReview(fields: {
  id: number;
  user: Json;
  state: string;
  commitId: string;
  submittedAt?: string;
  body?: string;
  pullRequestUrl: string;
  htmlUrl: string;
}): Json {
  const review = clone(loadWebhookExample("pull_request_review", "submitted").review as Json);
  const html = `${fields.htmlUrl}#pullrequestreview-${fields.id}`;
  const out: Json = {
    ...review,
    id: fields.id,
    node_id: Buffer.from(`017:PullRequestReview${fields.id}`).toString("base64"),
    user: fields.user,
    body: fields.body ?? "",
    state: fields.state,
    commit_id: fields.commitId,
    html_url: html,
    pull_request_url: fields.pullRequestUrl,
    _links: { html: { href: html }, pull_request: { href: fields.pullRequestUrl } },
  };
  if (fields.submittedAt === undefined) delete out.submitted_at;
  else out.submitted_at = fields.submittedAt;
  return out;
}

/** A REST `issue-comment` from the `issue_comment` example's `comment`. */
export function restIssueComment(fields: {
  id: number;
  body: string;
  user: Json;
  issueUrl: string;
  htmlUrl: string;
  createdAt: string;
}): Json {
  const comment = clone(loadWebhookExample("issue_comment", "created").comment as Json);
  const apiBase = fields.issueUrl.replace(/\/issues\/\d+$/, "");
  return {
    ...comment,
    id: fields.id,
    node_id: Buffer.from(`012:IssueComment${fields.id}`).toString("base64"),
    url: `${apiBase}/issues/comments/${fields.id}`,
    html_url: `${fields.htmlUrl}#issuecomment-${fields.id}`,
    issue_url: fields.issueUrl,
    user: fields.user,
    body: fields.body,
    created_at: fields.createdAt,
    updated_at: fields.createdAt,
    author_association: fields.user.type === "Bot" ? "NONE" : "OWNER",
  };
}

/** A REST `commit` (GET .../pulls/{n}/commits) from the `push` example's `head_commit`. */
export function restCommit(fields: {
  sha: string;
  message: string;
  author: Json | null;
  authorName: string;
  repoApiUrl: string;
  repoHtmlUrl: string;
  parent?: string;
}): Json {
  const head = loadWebhookExample("push").head_commit as Json & {
    author: Json;
    timestamp: string;
    tree_id: string;
  };
  const gitUser = {
    name: fields.authorName,
    email: `${fields.authorName}@users.noreply.github.com`,
    date: head.timestamp,
  };
  const parent = fields.parent ?? head.id;
  return {
    url: `${fields.repoApiUrl}/commits/${fields.sha}`,
    sha: fields.sha,
    node_id: Buffer.from(`06:Commit${fields.sha}`).toString("base64"),
    html_url: `${fields.repoHtmlUrl}/commit/${fields.sha}`,
    comments_url: `${fields.repoApiUrl}/commits/${fields.sha}/comments`,
    commit: {
      url: `${fields.repoApiUrl}/git/commits/${fields.sha}`,
      author: gitUser,
      committer: gitUser,
      message: fields.message,
      tree: { sha: head.tree_id, url: `${fields.repoApiUrl}/git/trees/${head.tree_id}` },
      comment_count: 0,
    },
    author: fields.author,
    committer: fields.author,
    parents: [
      {
        sha: parent,
        url: `${fields.repoApiUrl}/commits/${parent}`,
        html_url: `${fields.repoHtmlUrl}/commit/${parent}`,
      },
    ],
  };
}

/** A REST `status` (POST /repos/{o}/{r}/statuses/{sha}) from the `status` example. */
export function restStatus(fields: {
  id: number;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: Json;
  repoApiUrl: string;
  createdAt: string;
}): Json {
  const example = loadWebhookExample("status");
  return {
    url: `${fields.repoApiUrl}/statuses/${fields.sha}`,
    avatar_url: (fields.creator.avatar_url as string | undefined) ?? null,
    id: fields.id,
    node_id: Buffer.from(`013:StatusContext${fields.id}`).toString("base64"),
    state: fields.state,
    description: fields.description,
    target_url: fields.targetUrl,
    context: fields.context || String(example.context),
    created_at: fields.createdAt,
    updated_at: fields.createdAt,
    creator: fields.creator,
  };
}

/** A REST `label` from the `pull_request.labeled` example's label. */
export function restLabel(id: number, name: string, fullName: string): Json {
  const example = loadWebhookExample("pull_request", "labeled").label as Json;
  return {
    ...clone(example),
    id,
    node_id: Buffer.from(`010:Label${id}`).toString("base64"),
    url: `https://api.github.com/repos/${fullName}/labels/${encodeURIComponent(name)}`,
    name,
  };
}

/** A pull request with another number: its URLs (`/pulls/2`, `/pull/2`, `/issues/2`) follow. */
export function renumberPullRequest(pr: Json, from: number, to: number): Json {
  const out = JSON.parse(
    JSON.stringify(pr).replace(new RegExp(`/(pulls|pull|issues)/${from}(?![0-9])`, "g"), `/$1/${to}`),
  ) as Json;
  out.number = to;
  return out;
}

/** The examples' repository. */
export const EXAMPLE_FULL_NAME = "Codertocat/Hello-World";

/** A webhook payload moved from the examples' `Codertocat/Hello-World` to `owner/repo` (deep-copied). */
export function retargetPayload(
  payload: WebhookPayload,
  owner: string,
  repo: string,
  ownerUser: Json,
): WebhookPayload {
  const fullName = `${owner}/${repo}`;
  if (fullName === EXAMPLE_FULL_NAME) return clone(payload);
  const moved = replaceInStrings(clone(payload), EXAMPLE_FULL_NAME, fullName);
  const pr = moved.pull_request as Json;
  const repos = [moved.repository as Json, (pr.base as Json).repo as Json];
  const head = (pr.head as Json).repo as Json | null;
  if (head && head.full_name === fullName) repos.push(head);
  for (const r of repos) Object.assign(r, { name: repo, owner: clone(ownerUser) });
  return moved;
}
