import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OctokitCodeHost } from "../../src/adapters/github.js";
import { OperationalError } from "../../src/core/errors.js";
import { faults, type GitHubServer, startGitHubServer } from "./index.js";

const OWNER = "atlas-adc";
const REPO = "siteops-config";
const TOKEN = "ghs_test_token";
const GET_PR = "GET /repos/{owner}/{repo}/pulls/{pull_number}";
const STATUS = "POST /repos/{owner}/{repo}/statuses/{sha}";

let server: GitHubServer;
let host: OctokitCodeHost;
let headSha: string;

beforeEach(async () => {
  server = await startGitHubServer({ owner: OWNER, repo: REPO, token: TOKEN });
  host = new OctokitCodeHost({ token: TOKEN, owner: OWNER, repo: REPO, baseUrl: server.url });
  headSha = (server.state.seedPullRequest(undefined, { number: 12 }).head as { sha: string }).sha;
});

afterEach(async () => {
  try {
    server.assertNoViolations();
  } finally {
    await server.close();
  }
});

/** The OperationalError a call fails with. */
async function failure(call: Promise<unknown>): Promise<OperationalError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OperationalError);
  return error as OperationalError;
}

describe("error mapping", () => {
  it("401: names the token to set, without retrying", async () => {
    const wrong = new OctokitCodeHost({ token: "expired", owner: OWNER, repo: REPO, baseUrl: server.url });

    const error = await failure(wrong.getPullRequest(12));

    expect(error.message).toMatch(/401 "Bad credentials"/);
    expect(error.message).toMatch(/the token is missing or invalid: set GITHUB_TOKEN/);
    expect(server.requests).toHaveLength(1);
  });

  it("403: names the permission each operation needs", async () => {
    server.failNext(GET_PR, faults.forbidden("pull_requests=read"));
    server.failNext(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      faults.forbidden("issues=write; pull_requests=write"),
    );
    server.failNext(STATUS, faults.forbidden("statuses=write"));
    server.failNext("GET /orgs/{org}/teams/{team_slug}/members", faults.forbidden("members=read"));
    server.state.setTeam(OWNER, "site-admins", ["alice"]);

    const read = await failure(host.getPullRequest(12));
    const comment = await failure(host.upsertComment(12, "<!-- m -->", "body"));
    const status = await failure(
      host.setCommitStatus(headSha, { state: "success", context: "siteops", description: "ok" }),
    );
    const team = await failure(host.teamMembers(OWNER, "site-admins"));

    expect(read.message).toMatch(
      /^the token lacks permission pull-requests: read \(403 while reading pull request #12 in atlas-adc\/siteops-config: "Resource not accessible by integration"; GitHub accepts pull_requests=read\)/,
    );
    expect(comment.message).toMatch(/^the token lacks permission pull-requests: write \(or issues: write\)/);
    expect(status.message).toMatch(/^the token lacks permission statuses: write/);
    expect(team.message).toMatch(/^the token lacks permission members: read \(organization\)/);
    expect(server.requests.filter((r) => r.status === 403)).toHaveLength(4); // a 403 is not retried
  });

  it("403 rate limit: reports the reset time instead of waiting an hour", async () => {
    const fault = faults.rateLimited({ resetInSeconds: 3600 });
    server.failNext(GET_PR, fault);

    const error = await failure(host.getPullRequest(12));

    const reset = new Date(Number(fault.headers?.["x-ratelimit-reset"]) * 1000).toISOString();
    expect(error.message).toContain(
      "GitHub API rate limit exhausted while reading pull request #12 (5000 requests per hour, core)",
    );
    expect(error.message).toContain(`it resets at ${reset} (in 60 min)`);
    expect(server.requestsTo(GET_PR)).toHaveLength(1);
  });

  it("404: names the resource", async () => {
    server.state.setTeam(OWNER, "site-admins", ["alice"]);

    const pr = await failure(host.getPullRequest(99));
    const team = await failure(host.teamMembers(OWNER, "no-such-team"));
    const comment = await failure(host.upsertComment(99, "<!-- m -->", "body"));

    expect(pr.message).toBe(
      "pull request #99 not found in atlas-adc/siteops-config, or the token cannot see it.",
    );
    expect(comment.message).toBe(pr.message);
    expect(team.message).toMatch(
      /^team atlas-adc\/no-such-team not found, or the token cannot see it: .*members: read/,
    );
  });

  it("422: includes GitHub's validation message", async () => {
    server.failNext(
      STATUS,
      faults.validationFailed([
        { resource: "Status", code: "custom", field: "sha", message: "No commit found for SHA: 0123abc" },
      ]),
    );

    const error = await failure(
      host.setCommitStatus("0123abc", { state: "pending", context: "siteops", description: "running" }),
    );

    expect(error.message).toBe(
      'GitHub refused setting the "siteops" status of commit 0123abc (422): Validation Failed: No commit found for SHA: 0123abc.',
    );
  });

  it("network failure: names the base URL", async () => {
    await server.close();
    const unreachable = new OctokitCodeHost({
      token: TOKEN,
      owner: OWNER,
      repo: REPO,
      baseUrl: server.url,
      retries: 1,
    });

    const error = await failure(unreachable.getPullRequest(12));

    expect(error.message).toMatch(
      new RegExp(`^cannot reach the GitHub API at ${server.url} while reading pull request #12: `),
    );
    server = await startGitHubServer(); // for afterEach
  });
});

describe("retries", () => {
  it("retries a 500 and succeeds", async () => {
    server.failNext(GET_PR, faults.serverError(), 2);

    expect((await host.getPullRequest(12)).number).toBe(12);
    expect(server.requestsTo(GET_PR).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it("gives up after `retries` and says how often it tried", async () => {
    server.failNext(GET_PR, faults.serverError(502), 10);
    const impatient = new OctokitCodeHost({
      token: TOKEN,
      owner: OWNER,
      repo: REPO,
      baseUrl: server.url,
      retries: 2,
    });

    const error = await failure(impatient.getPullRequest(12));

    expect(error.message).toMatch(
      /^GitHub answered 502 while reading pull request #12 \(after 2 retries\): "Server Error"/,
    );
    expect(server.requestsTo(GET_PR)).toHaveLength(3);
  });

  it("retries a dropped connection", async () => {
    server.failNext(GET_PR, faults.disconnect());

    expect((await host.getPullRequest(12)).number).toBe(12);
    expect(server.requestsTo(GET_PR)).toHaveLength(2);
  });

  it("waits out a short rate limit (403 or 429) and a secondary limit, then succeeds", async () => {
    server.failNext(GET_PR, faults.rateLimited({ resetInSeconds: 0 }));
    server.failNext(STATUS, faults.rateLimited({ status: 429, resetInSeconds: 0 }));
    server.failNext("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", faults.secondaryRateLimit(1));

    await host.getPullRequest(12);
    await host.setCommitStatus(headSha, { state: "success", context: "siteops", description: "ok" });
    await host.upsertComment(12, "<!-- m -->", "body");

    expect(server.requestsTo(GET_PR).map((r) => r.status)).toEqual([403, 200]);
    expect(server.requestsTo(STATUS).map((r) => r.status)).toEqual([429, 201]);
    expect(server.state.commentsOn(12)).toHaveLength(1);
  });

  it("stops retrying a rate limit after a bounded number of tries, or at once with throttleRetry: false", async () => {
    server.failNext(GET_PR, faults.secondaryRateLimit(1), 5);
    const error = await failure(host.getPullRequest(12));
    expect(error.message).toMatch(
      /^GitHub secondary rate limit hit while reading pull request #12: retry after 1 s/,
    );
    expect(server.requestsTo(GET_PR)).toHaveLength(3); // first try + 2 retries

    const strict = new OctokitCodeHost({
      token: TOKEN,
      owner: OWNER,
      repo: REPO,
      baseUrl: server.url,
      throttleRetry: false,
    });
    await failure(strict.getPullRequest(12));
    expect(server.requestsTo(GET_PR)).toHaveLength(4);
  });
});
