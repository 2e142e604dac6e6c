/**
 * The test server's built-in handlers: the REST routes siteops uses, answered from `GitHubState`.
 * Each handler gets the path parameters and query already validated against GitHub's description.
 */
import type { GitHubState } from "./github-state.js";
import { type Json, timestamp } from "./webhook-examples.js";

export interface HandlerRequest {
  method: string;
  /** `GET /repos/{owner}/{repo}/pulls/{pull_number}` */
  route: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** The full request URL (for Link headers). */
  url: URL;
}

export interface HandlerResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: HandlerRequest, state: GitHubState) => HandlerResponse;

const DOCS = "https://docs.github.com/rest";

export function errorBody(status: number, message: string): Json {
  return { message, documentation_url: DOCS, status: String(status) };
}

export const notFound = (): HandlerResponse => ({ status: 404, body: errorBody(404, "Not Found") });

/** One page of `items` as GitHub serves it: `per_page` (default 30, at most 100), `page`, and a Link header. */
export function paginate(request: HandlerRequest, items: unknown[]): HandlerResponse {
  const perPage = Math.min(Number(request.query.per_page ?? 30), 100);
  const page = Math.max(Number(request.query.page ?? 1), 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (p: number, rel: string): string => {
    const url = new URL(request.url);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(p));
    return `<${url.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

/** True when the request names the state's repository (GitHub compares case-insensitively). */
function isRepo(request: HandlerRequest, state: GitHubState): boolean {
  return (
    request.params.owner?.toLowerCase() === state.owner.toLowerCase() &&
    request.params.repo?.toLowerCase() === state.repo.toLowerCase()
  );
}

function withPull(
  fn: (pr: Json, number: number, request: HandlerRequest, state: GitHubState) => HandlerResponse,
): Handler {
  return (request, state) => {
    const number = Number(request.params.pull_number ?? request.params.issue_number);
    const pr = state.pulls.get(number);
    return isRepo(request, state) && pr ? fn(pr, number, request, state) : notFound();
  };
}

export const builtInHandlers: Record<string, Handler> = {
  "GET /repos/{owner}/{repo}/pulls/{pull_number}": withPull((pr) => ({ status: 200, body: pr })),

  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews": withPull((_pr, n, request, state) =>
    paginate(request, state.reviews.get(n) ?? []),
  ),

  "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits": withPull((_pr, n, request, state) =>
    paginate(request, state.commits.get(n) ?? []),
  ),

  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": withPull((_pr, n, request, state) =>
    paginate(request, state.commentsOn(n)),
  ),

  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": withPull((_pr, n, request, state) => {
    const { body } = request.body as { body: string };
    const comment = state.addComment(n, body);
    return { status: 201, body: comment, headers: { location: comment.url as string } };
  }),

  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}": (request, state) => {
    const comment = isRepo(request, state) ? state.findComment(Number(request.params.comment_id)) : undefined;
    return comment ? { status: 200, body: comment } : notFound();
  },

  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": (request, state) => {
    const comment = isRepo(request, state) ? state.findComment(Number(request.params.comment_id)) : undefined;
    if (!comment) return notFound();
    comment.body = (request.body as { body: string }).body;
    comment.updated_at = timestamp();
    return { status: 200, body: comment };
  },

  "POST /repos/{owner}/{repo}/statuses/{sha}": (request, state) => {
    if (!isRepo(request, state)) return notFound();
    const input = request.body as {
      state: string;
      context?: string;
      description?: string | null;
      target_url?: string | null;
    };
    if (typeof input.description === "string" && input.description.length > 140) {
      return {
        status: 422,
        body: {
          message: "Validation Failed",
          errors: [
            {
              resource: "Status",
              code: "custom",
              field: "description",
              message: "description is too long (maximum is 140 characters)",
            },
          ],
          documentation_url: `${DOCS}/commits/statuses#create-a-commit-status`,
        },
      };
    }
    const status = state.addStatus(request.params.sha!, {
      state: input.state,
      ...(input.context !== undefined ? { context: input.context } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.target_url !== undefined ? { targetUrl: input.target_url } : {}),
    });
    return { status: 201, body: status, headers: { location: status.url as string } };
  },

  "GET /repos/{owner}/{repo}/commits/{ref}/statuses": (request, state) =>
    isRepo(request, state) ? paginate(request, state.statusesFor(request.params.ref!)) : notFound(),

  "GET /orgs/{org}/teams/{team_slug}/members": (request, state) => {
    const logins = state.teams.get(`${request.params.org}/${request.params.team_slug}`.toLowerCase());
    if (!logins) return notFound();
    return paginate(
      request,
      logins.map((login) => state.addUser(login)),
    );
  },

  "GET /users/{username}": (request, state) => {
    const user = state.publicUser(request.params.username!);
    return user ? { status: 200, body: user } : notFound();
  },
};
