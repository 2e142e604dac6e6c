/**
 * A local GitHub REST API for tests that checks both sides of every exchange against GitHub's own
 * OpenAPI description (`@octokit/openapi`, api.github.com). Import from `test/github/index.js`.
 *
 * Start and connect
 *   const server = await startGitHubServer({ owner: "atlas-adc", repo: "siteops-config", token: "t0ken" });
 *   new OctokitCodeHost({ token: "t0ken", owner, repo, baseUrl: server.url })
 *   // or run the CLI with GITHUB_API_URL=server.url, GITHUB_TOKEN=t0ken, GITHUB_REPOSITORY=owner/repo.
 *   // Run it asynchronously (execFile, not execFileSync): the server lives in the test's event loop.
 *   await server.close()                  // in afterEach, after server.assertNoViolations()
 *   Options: owner/repo (default Codertocat/Hello-World, the examples' own), token (when set, the only
 *   accepted one; others get 401 Bad credentials), viewer (login authoring created comments and statuses,
 *   default "github-actions[bot]").
 *
 * State (`server.state`, a GitHubState; REST objects, served as they are, so changes are seen live)
 *   seedPullRequest(payload?, { number, title, body, author, labels, draft, state, merged, headSha,
 *     headRef, baseSha, baseRef })        // payload: a real webhook example (default pull_request.opened);
 *                                         // its pull_request and repository are moved to owner/repo
 *   editPullRequest(12, { title: "..." })  // the next GET sees it; updated_at moves on
 *   pullRequest(12)                        // the live REST object
 *   pullRequestEvent(12, "synchronize")    // a webhook payload agreeing with the state, for --event FILE
 *   addReview(12, { user, state, commitId?, submittedAt?, body? }); reviews.get(12)
 *   addCommit(12, { message, author?, sha? }); commits.get(12)   // seeding adds the head commit
 *   addComment(12, body, user?); commentsOn(12); findComment(id)
 *   addStatus(sha, {...}); statusesFor(sha)  // newest first
 *   setTeam(org, slug, logins); addUser(login, type?)   // GET /users/{login}: 200 if known, else 404
 *
 * Failures and requests
 *   server.failNext(route, fault, times = 1)  // route: "GET /repos/{owner}/{repo}/pulls/{pull_number}" or "*"
 *     faults.badCredentials() | forbidden(acceptedPermissions?) | notFound() | validationFailed(errors)
 *     | rateLimited({ status?: 403 | 429, resetInSeconds? }) | secondaryRateLimit(retryAfter?)
 *     | serverError(500 | 502 | 503) | disconnect()
 *   server.handle(route, (request, state) => ({ status, body, headers }))   // add or replace a handler
 *   server.requests                 // every request: { method, path, route, query, body, headers, status, injected }
 *   server.requestsTo("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")
 *   server.violations; server.assertNoViolations(); server.clearViolations()
 *
 * Checks: the route exists in the description (else a "route" violation and 404); path and query parameters
 * match their schemas and no unknown query parameter is sent; a JSON body matches the operation's
 * requestBody (request violations answer 500, so the client fails too); every response body matches the
 * operation's schema for its status (a "response" violation; the response is still sent). Error statuses an
 * operation does not document (GitHub answers 401/403/404/429 on any route) are checked against
 * `Basic Error`; undocumented success statuses are violations. Documented routes without a handler
 * answer 501 and are "unhandled" violations. Built-in handlers: see `github-routes.ts`, and `github-pulls.ts`
 * (list/open/edit pull requests, add labels; `resolveBranchesWith` ties branches to a real repository),
 * `github-issues.ts` (list/open/edit issues; `seedIssue`, `issuesOf`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { issueHandlers } from "./github-issues.js";
import { pullRequestWriteHandlers } from "./github-pulls.js";
import { builtInHandlers, errorBody, type Handler, type HandlerResponse } from "./github-routes.js";
import { GitHubState } from "./github-state.js";
import { checkRequest, type Fault } from "./openapi-server-support.js";
import {
  basicErrorSchema,
  describeErrors,
  matchRoute,
  operation,
  type RouteDef,
  validator,
} from "./openapi-spec.js";

export { type Fault, faults } from "./openapi-server-support.js";

export interface Violation {
  kind: "route" | "request" | "response" | "unhandled";
  method: string;
  path: string;
  route?: string;
  status?: number;
  errors: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The description's route key, e.g. `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`. */
  route: string | undefined;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** The status sent (0 for an injected disconnect). */
  status: number;
  injected: boolean;
}

export interface GitHubServer {
  url: string;
  state: GitHubState;
  requests: RecordedRequest[];
  violations: Violation[];
  requestsTo(route: string): RecordedRequest[];
  failNext(route: string, fault: Fault, times?: number): void;
  handle(route: string, handler: Handler): void;
  assertNoViolations(): void;
  clearViolations(): void;
  close(): Promise<void>;
}

export interface GitHubServerOptions {
  owner?: string;
  repo?: string;
  /** When set, the only accepted token. */
  token?: string;
  /** Login of the authenticated identity (author of created comments and statuses). */
  viewer?: string;
}

/** What to send: a response (checked against `check`'s schemas when set), or a dropped connection. */
type Outcome = { out: HandlerResponse; check?: RouteDef } | "disconnect";

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const state = new GitHubState({
    ...(options.owner !== undefined ? { owner: options.owner } : {}),
    ...(options.repo !== undefined ? { repo: options.repo } : {}),
    ...(options.viewer !== undefined ? { viewer: options.viewer } : {}),
  });
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const handlers = new Map<string, Handler>(
    Object.entries({ ...builtInHandlers, ...pullRequestWriteHandlers, ...issueHandlers }),
  );
  const pendingFaults: Array<{ route: string; fault: Fault; times: number }> = [];
  let remaining = 5000;

  const violate = (
    kind: Violation["kind"],
    record: RecordedRequest,
    errors: string[],
    status?: number,
  ): void => {
    const { method, path, route } = record;
    violations.push({
      kind,
      method,
      path,
      ...(route ? { route } : {}),
      ...(status ? { status } : {}),
      errors,
    });
  };

  const takeFault = (route: string): Fault | undefined => {
    const i = pendingFaults.findIndex((f) => f.route === route || f.route === "*");
    const entry = pendingFaults[i];
    if (!entry) return undefined;
    if (--entry.times <= 0) pendingFaults.splice(i, 1);
    return entry.fault;
  };

  /** Routes, checks and answers one request; `record` is filled in on the way. */
  const decide = (req: IncomingMessage, url: URL, text: string, record: RecordedRequest): Outcome => {
    const match = matchRoute(record.method, url.pathname);
    if (!match) {
      violate("route", record, [`${record.method} ${url.pathname} is not a route of GitHub's REST API`]);
      return { out: { status: 404, body: errorBody(404, "Not Found") } };
    }
    const { route, params } = match;
    record.route = route.key;
    const checked = checkRequest(operation(route), params, record.query, text, req.headers["content-type"]);
    record.body = checked.body;
    if (checked.errors.length > 0) {
      violate("request", record, checked.errors);
      const message = `request does not conform to GitHub's description of ${route.key}: ${checked.errors.join("; ")}`;
      return { out: { status: 500, body: errorBody(500, message) } };
    }
    const token = (req.headers.authorization ?? "").replace(/^(token|bearer) /i, "");
    if (options.token !== undefined && token !== options.token) {
      return { out: { status: 401, body: errorBody(401, "Bad credentials") }, check: route };
    }
    const fault = takeFault(route.key);
    if (fault) {
      record.injected = true;
      return fault.disconnect ? "disconnect" : { out: fault, check: route };
    }
    const handler = handlers.get(route.key);
    if (!handler) {
      violate("unhandled", record, [
        `the test server has no handler for ${route.key}; add one with server.handle()`,
      ]);
      return { out: { status: 501, body: errorBody(501, "Not Implemented") } };
    }
    const out = handler(
      {
        method: record.method,
        route: route.key,
        params,
        query: record.query,
        body: checked.body,
        headers: req.headers,
        url,
      },
      state,
    );
    return { out, check: route };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, text: string): void => {
    const url = new URL(req.url ?? "/", base);
    const method = (req.method ?? "GET").toUpperCase();
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      route: undefined,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      headers: req.headers,
      status: 0,
      injected: false,
    };
    requests.push(record);
    let outcome: Outcome;
    try {
      outcome = decide(req, url, text, record);
    } catch (error) {
      violate("unhandled", record, [String(error instanceof Error ? error.stack : error)]);
      outcome = { out: { status: 500, body: errorBody(500, String(error)) } };
    }
    if (outcome === "disconnect") {
      req.socket.destroy();
      return;
    }
    const { out, check } = outcome;
    const json = out.body === undefined ? "" : JSON.stringify(out.body);
    if (check) {
      const errors = checkResponse(check, out.status, json);
      if (errors.length > 0) violate("response", record, errors, out.status);
    }
    remaining = Math.max(remaining - 1, 0);
    record.status = out.status;
    res.writeHead(out.status, {
      "content-type": "application/json; charset=utf-8",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `LOCAL:${requests.length}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(remaining),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-used": String(5000 - remaining),
      "x-ratelimit-resource": "core",
      ...out.headers,
    });
    res.end(method === "HEAD" ? undefined : json);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    state,
    requests,
    violations,
    requestsTo: (route) => requests.filter((r) => r.route === route),
    failNext: (route, fault, times = 1) => {
      pendingFaults.push({ route, fault, times });
    },
    handle: (route, handler) => {
      handlers.set(route, handler);
    },
    assertNoViolations: () => {
      if (violations.length === 0) return;
      const lines = violations.map(
        (v) =>
          `- ${v.kind} ${v.method} ${v.path}${v.status ? ` -> ${v.status}` : ""}:\n    ${v.errors.join("\n    ")}`,
      );
      throw new Error(
        `the test GitHub server saw ${violations.length} violation(s) of GitHub's REST description:\n${lines.join("\n")}`,
      );
    },
    clearViolations: () => {
      violations.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Errors of a response against the operation's schema for its status. */
function checkResponse(route: RouteDef, status: number, json: string): string[] {
  const op = operation(route);
  const documented = op.responses[String(status)] ?? op.responses.default;
  let schema = documented?.content?.["application/json"]?.schema;
  if (!documented) {
    if (status < 400) return [`${route.key} does not document status ${status}`];
    schema = basicErrorSchema();
  }
  if (!schema) return json === "" ? [] : [`status ${status} of ${route.key} has no body, but one was sent`];
  if (json === "") return [`status ${status} of ${route.key} needs a JSON body`];
  const key = documented ? `${route.key} ${status}` : "basic-error";
  const validate = validator(key, schema);
  if (validate(JSON.parse(json))) return [];
  return describeErrors(validate.errors);
}
