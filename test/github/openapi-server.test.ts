import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OctokitCodeHost } from "../../src/adapters/github.js";
import {
  faults,
  type GitHubServer,
  loadWebhookExample,
  startGitHubServer,
  webhookExamples,
} from "./index.js";

let server: GitHubServer;

beforeEach(async () => {
  server = await startGitHubServer({ owner: "atlas-adc", repo: "siteops-config" });
  server.state.seedPullRequest(undefined, { number: 12 });
});

afterEach(async () => {
  await server.close();
});

function send(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: "token t" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe("the validator cannot pass silently", () => {
  it("catches a response that does not conform (a pull request without `number`)", async () => {
    server.handle("GET /repos/{owner}/{repo}/pulls/{pull_number}", (_request, state) => {
      const { number: _dropped, ...withoutNumber } = state.pullRequest(12);
      return { status: 200, body: { ...withoutNumber, state: 42 } };
    });
    const host = new OctokitCodeHost({
      token: "t",
      owner: "atlas-adc",
      repo: "siteops-config",
      baseUrl: server.url,
    });

    await host.getPullRequest(12).catch(() => undefined);

    expect(server.violations).toEqual([
      expect.objectContaining({
        kind: "response",
        route: "GET /repos/{owner}/{repo}/pulls/{pull_number}",
        status: 200,
        errors: [
          "(root) must have required property 'number'",
          "/state must be string",
          '/state must be equal to one of the allowed values ["open","closed"]',
        ],
      }),
    ]);
    expect(() => server.assertNoViolations()).toThrow(
      /1 violation.*\n- response GET \/repos\/atlas-adc\/siteops-config\/pulls\/12 -> 200/,
    );
    server.clearViolations();
    expect(() => server.assertNoViolations()).not.toThrow();
  });

  it("catches requests that do not conform, and answers them with 500", async () => {
    const comments = "/repos/atlas-adc/siteops-config/issues/12/comments";
    const noBody = await send("POST", comments);
    const wrongType = await send("POST", comments, { body: 42 });
    const badParam = await send("GET", "/repos/atlas-adc/siteops-config/pulls/twelve");
    const unknownQuery = await send("GET", `${comments}?perpage=100`);
    const badEnum = await send("POST", `/repos/atlas-adc/siteops-config/statuses/${"a".repeat(40)}`, {
      state: "green",
    });

    expect([noBody, wrongType, badParam, unknownQuery, badEnum].map((r) => r.status)).toEqual([
      500, 500, 500, 500, 500,
    ]);
    expect(server.violations.map((v) => [v.kind, v.errors[0]])).toEqual([
      ["request", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments requires a JSON body"],
      ["request", "body /body must be string"],
      ["request", 'path parameter "pull_number"="twelve": (root) must be integer'],
      [
        "request",
        expect.stringMatching(/^unknown query parameter "perpage" \(.* takes: since, per_page, page\)$/),
      ],
      [
        "request",
        'body /state must be equal to one of the allowed values ["error","failure","pending","success"]',
      ],
    ]);
    expect(server.state.commentsOn(12)).toHaveLength(0);
  });

  it("flags routes GitHub does not have, undocumented statuses and malformed injected errors", async () => {
    await send("GET", "/repos/atlas-adc/siteops-config/pulls/12/verdict");
    server.handle("GET /users/{username}", () => ({ status: 202, body: {} }));
    await send("GET", "/users/alice");
    server.failNext("GET /repos/{owner}/{repo}/pulls/{pull_number}", { status: 404, body: { message: 404 } });
    await send("GET", "/repos/atlas-adc/siteops-config/pulls/12");
    await send("GET", "/repos/atlas-adc/siteops-config/git/ref/heads/main"); // real route, no handler

    expect(server.violations.map((v) => [v.kind, v.errors[0]])).toEqual([
      ["route", "GET /repos/atlas-adc/siteops-config/pulls/12/verdict is not a route of GitHub's REST API"],
      ["response", "GET /users/{username} does not document status 202"],
      ["response", "/message must be string"],
      ["unhandled", expect.stringContaining("no handler for GET /repos/{owner}/{repo}/git/ref/{ref}")],
    ]);
  });

  it("accepts what the built-in handlers and fault helpers send", async () => {
    const host = new OctokitCodeHost({
      token: "t",
      owner: "atlas-adc",
      repo: "siteops-config",
      baseUrl: server.url,
    });
    for (const fault of [
      faults.badCredentials(),
      faults.forbidden("x=read"),
      faults.notFound(),
      faults.rateLimited(),
    ]) {
      server.failNext("GET /repos/{owner}/{repo}/pulls/{pull_number}", fault);
      await host.getPullRequest(12).catch(() => undefined);
    }
    expect(server.requests.map((r) => r.status)).toEqual([401, 403, 404, 403]);
    server.assertNoViolations();
  });
});

describe("state from real webhook examples", () => {
  it("moves a seeded pull request to the server's repository", () => {
    const json = JSON.stringify(server.state.pullRequest(12));
    expect(json).not.toContain("Codertocat/Hello-World");
    expect(json).toContain('"url":"https://api.github.com/repos/atlas-adc/siteops-config/pulls/12"');
    expect(server.state.pullRequest(12)).toMatchObject({
      title: "Update the README with new information.",
      number: 12,
    });
  });

  it("writes event payloads that agree with the served pull request", () => {
    server.state.editPullRequest(12, { headSha: "b".repeat(40), title: "AGLT2: corepower" });
    const event = server.state.pullRequestEvent(12, "synchronize");

    expect(event).toMatchObject({
      action: "synchronize",
      number: 12,
      after: "b".repeat(40),
      pull_request: { number: 12, title: "AGLT2: corepower", head: { sha: "b".repeat(40) } },
      repository: {
        full_name: "atlas-adc/siteops-config",
        name: "siteops-config",
        owner: { login: "atlas-adc" },
      },
    });
    expect(event).toHaveProperty("before");
    expect(event).toHaveProperty("sender.login", "Codertocat");
  });

  it("loads examples by event and action, deep-copied", () => {
    const opened = loadWebhookExample("pull_request", "opened");
    expect(opened).toMatchObject({ action: "opened", number: 2, pull_request: { state: "open" } });
    (opened.pull_request as { title: string }).title = "changed";
    expect((loadWebhookExample("pull_request", "opened").pull_request as { title: string }).title).not.toBe(
      "changed",
    );

    expect(loadWebhookExample("pull_request", "synchronize")).toHaveProperty("before");
    expect(loadWebhookExample("pull_request_review", "submitted")).toHaveProperty(
      "review.state",
      "commented",
    );
    expect(loadWebhookExample("pull_request", "edited")).toMatchObject({
      action: "edited",
      changes: { title: { from: expect.any(String) } },
    });
    expect(webhookExamples("pull_request", "opened").length).toBeGreaterThan(1);
    expect(() => loadWebhookExample("pull_request", "exploded")).toThrow(/actions with examples: .*opened/);
  });
});
