/**
 * Test-server handlers for bots that write pull requests (the corepower bot): list pull requests by
 * state/head/base, open one, edit its title/body/state, add labels. Pull requests are built like
 * seeded ones (from the real `pull_request.opened` example), authored by the server's viewer.
 *
 * A test whose branches live in a real git repository can tell the server where branches point:
 *   resolveBranchesWith(server.state, (branch) => sha | undefined)
 * Then opening a pull request from an unknown branch answers 422 as GitHub does, and listing refreshes
 * the head sha of open pull requests (GitHub follows pushes to the branch).
 */
import {
  errorBody,
  type Handler,
  type HandlerRequest,
  type HandlerResponse,
  notFound,
  paginate,
} from "./github-routes.js";
import type { GitHubState } from "./github-state.js";
import { restLabel } from "./rest-objects.js";
import { type Json, loadWebhookExample, timestamp } from "./webhook-examples.js";

const resolvers = new WeakMap<GitHubState, (branch: string) => string | undefined>();

/** Lets the server resolve branch names to commits (e.g. with `git rev-parse` in a bare repository). */
export function resolveBranchesWith(
  state: GitHubState,
  resolve: (branch: string) => string | undefined,
): void {
  resolvers.set(state, resolve);
}

/** The properties of GitHub's `pull-request-simple` (what GET /pulls lists). */
const SIMPLE_KEYS = [
  "url",
  "id",
  "node_id",
  "html_url",
  "diff_url",
  "patch_url",
  "issue_url",
  "commits_url",
  "review_comments_url",
  "review_comment_url",
  "comments_url",
  "statuses_url",
  "number",
  "state",
  "locked",
  "title",
  "user",
  "body",
  "labels",
  "milestone",
  "active_lock_reason",
  "created_at",
  "updated_at",
  "closed_at",
  "merged_at",
  "merge_commit_sha",
  "assignee",
  "assignees",
  "requested_reviewers",
  "requested_teams",
  "head",
  "base",
  "_links",
  "author_association",
  "auto_merge",
  "draft",
];

function isRepo(request: HandlerRequest, state: GitHubState): boolean {
  return (
    request.params.owner?.toLowerCase() === state.owner.toLowerCase() &&
    request.params.repo?.toLowerCase() === state.repo.toLowerCase()
  );
}

function validationFailed(message: string, errors: Json[] = []): HandlerResponse {
  return {
    status: 422,
    body: { message, errors, documentation_url: "https://docs.github.com/rest/pulls/pulls" },
  };
}

/** `owner:branch` or `branch` as the branch of this repository, or undefined for another owner's. */
function headBranch(head: string, state: GitHubState): string | undefined {
  const colon = head.indexOf(":");
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === state.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
}

function refreshHeads(state: GitHubState): void {
  const resolve = resolvers.get(state);
  if (!resolve) return;
  for (const [number, pr] of state.pulls) {
    if (pr.state !== "open") continue;
    const sha = resolve((pr.head as Json).ref as string);
    if (sha && sha !== (pr.head as Json).sha) state.editPullRequest(number, { headSha: sha });
  }
}

export const pullRequestWriteHandlers: Record<string, Handler> = {
  "GET /repos/{owner}/{repo}/pulls": (request, state) => {
    if (!isRepo(request, state)) return notFound();
    refreshHeads(state);
    const wanted = request.query.state ?? "open";
    const head = request.query.head === undefined ? undefined : headBranch(request.query.head, state);
    if (request.query.head !== undefined && head === undefined) return paginate(request, []);
    const list = [...state.pulls.values()]
      .filter((pr) => wanted === "all" || pr.state === wanted)
      .filter((pr) => head === undefined || (pr.head as Json).ref === head)
      .filter((pr) => request.query.base === undefined || (pr.base as Json).ref === request.query.base)
      .sort((a, b) => (a.number as number) - (b.number as number));
    if ((request.query.direction ?? "desc") === "desc") list.reverse();
    const simple = list.map((pr) =>
      Object.fromEntries(SIMPLE_KEYS.filter((k) => k in pr).map((k) => [k, pr[k]])),
    );
    return paginate(request, simple);
  },

  "POST /repos/{owner}/{repo}/pulls": (request, state) => {
    if (!isRepo(request, state)) return notFound();
    const input = request.body as {
      title?: string;
      head: string;
      base: string;
      body?: string;
      draft?: boolean;
    };
    const branch = headBranch(input.head, state);
    const resolve = resolvers.get(state);
    const sha = branch === undefined ? undefined : resolve ? resolve(branch) : `${"0".repeat(39)}1`;
    if (!branch || !sha) {
      return validationFailed("Validation Failed", [
        { resource: "PullRequest", field: "head", code: "invalid" },
      ]);
    }
    const open = [...state.pulls.values()].find(
      (pr) => pr.state === "open" && (pr.head as Json).ref === branch && (pr.base as Json).ref === input.base,
    );
    if (open) {
      return validationFailed("Validation Failed", [
        {
          resource: "PullRequest",
          code: "custom",
          message: `A pull request already exists for ${state.owner}:${branch}.`,
        },
      ]);
    }
    const number = Math.max(0, ...state.pulls.keys()) + 1;
    const viewer = state.viewer.login as string;
    const pr = state.seedPullRequest(loadWebhookExample("pull_request", "opened"), {
      number,
      title: input.title ?? "",
      body: input.body ?? null,
      author: viewer,
      labels: [],
      draft: input.draft ?? false,
      headSha: sha,
      headRef: branch,
      baseRef: input.base,
      ...(resolve?.(input.base) ? { baseSha: resolve(input.base)! } : {}),
    });
    const owner = state.addUser(state.owner);
    Object.assign(pr.head as Json, { user: owner, label: `${state.owner}:${branch}` });
    const now = timestamp();
    Object.assign(pr, { created_at: now, updated_at: now });
    return { status: 201, body: pr, headers: { location: pr.url as string } };
  },

  "PATCH /repos/{owner}/{repo}/pulls/{pull_number}": (request, state) => {
    const pr = isRepo(request, state) ? state.pulls.get(Number(request.params.pull_number)) : undefined;
    if (!pr) return notFound();
    const input = request.body as { title?: string; body?: string; state?: "open" | "closed"; base?: string };
    state.editPullRequest(pr.number as number, {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
      ...(input.state !== undefined ? { state: input.state } : {}),
      ...(input.base !== undefined ? { baseRef: input.base } : {}),
    });
    return { status: 200, body: pr };
  },

  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels": (request, state) => {
    const pr = isRepo(request, state) ? state.pulls.get(Number(request.params.issue_number)) : undefined;
    if (!pr) return notFound();
    const raw = request.body as { labels?: unknown[] } | unknown[];
    const items = Array.isArray(raw) ? raw : (raw.labels ?? []);
    const names = items.map((l) => (typeof l === "string" ? l : String((l as { name?: unknown }).name)));
    if (names.length === 0) return { status: 422, body: errorBody(422, "Validation Failed") };
    const labels = pr.labels as Json[];
    for (const name of names) {
      if (!labels.some((l) => l.name === name)) labels.push(restLabel(state.nextId(), name, state.fullName));
    }
    pr.updated_at = timestamp();
    return { status: 200, body: labels };
  },
};
