import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OctokitCodeHost } from "../../src/adapters/github.js";
import { InternalError } from "../../src/core/errors.js";
import { type GitHubServer, loadWebhookExample, startGitHubServer } from "./index.js";

const OWNER = "atlas-adc";
const REPO = "siteops-config";
const TOKEN = "ghs_test_token";
const MARKER = "<!-- siteops:check -->";

const COMMENTS = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
const CREATE_COMMENT = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const UPDATE_COMMENT = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";

/** The fields of a webhook `pull_request` this test reads. */
interface ExamplePullRequest {
  number: number;
  title: string;
  body: string;
  draft: boolean;
  created_at: string;
  user: { login: string };
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  labels: Array<{ name: string }>;
}

let server: GitHubServer;
let host: OctokitCodeHost;

beforeEach(async () => {
  server = await startGitHubServer({ owner: OWNER, repo: REPO, token: TOKEN });
  host = new OctokitCodeHost({ token: TOKEN, owner: OWNER, repo: REPO, baseUrl: server.url });
});

afterEach(async () => {
  try {
    server.assertNoViolations();
  } finally {
    await server.close();
  }
});

describe("getPullRequest", () => {
  it("maps a pull request seeded from a real pull_request.opened webhook example", async () => {
    const payload = loadWebhookExample("pull_request", "opened", 1); // the example with a label
    const example = payload.pull_request as ExamplePullRequest;
    server.state.seedPullRequest(payload);

    const pr = await host.getPullRequest(example.number);

    expect(pr).toEqual({
      number: example.number,
      title: example.title,
      body: example.body,
      state: "open",
      merged: false,
      draft: example.draft,
      author: example.user.login,
      authorIsBot: false,
      baseRef: example.base.ref,
      baseSha: example.base.sha,
      headRef: example.head.ref,
      headSha: example.head.sha,
      labels: example.labels.map((l: { name: string }) => l.name),
      createdAt: example.created_at,
      url: `https://github.com/${OWNER}/${REPO}/pull/${example.number}`,
    });
    expect(pr.labels.length).toBeGreaterThan(0);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: "GET", path: `/repos/${OWNER}/${REPO}/pulls/${example.number}` });
    expect(request?.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it("reads live: an edit on GitHub is seen by the next call", async () => {
    server.state.seedPullRequest(undefined, { number: 12 });
    expect((await host.getPullRequest(12)).title).toBe("Update the README with new information.");

    server.state.editPullRequest(12, { title: "AGLT2: corepower 13.51 -> 13.87", headSha: "a".repeat(40) });
    const edited = await host.getPullRequest(12);

    expect(edited).toMatchObject({
      number: 12,
      title: "AGLT2: corepower 13.51 -> 13.87",
      headSha: "a".repeat(40),
    });
    expect(edited.url).toBe(`https://github.com/${OWNER}/${REPO}/pull/12`);
    expect(server.requestsTo("GET /repos/{owner}/{repo}/pulls/{pull_number}")).toHaveLength(2);
  });

  it("recognises bots by type and by a [bot] login, and maps merged and draft pull requests", async () => {
    server.state.seedPullRequest(loadWebhookExample("pull_request", "synchronize"), {
      number: 3,
      author: "renovate[bot]",
    });
    server.state.seedPullRequest(undefined, { number: 4, author: "corepower[bot]", draft: true });
    (server.state.pullRequest(4).user as Record<string, unknown>).type = "User"; // only the login says bot
    server.state.seedPullRequest(undefined, { number: 5, author: "alice", merged: true, body: null });

    expect(await host.getPullRequest(3)).toMatchObject({ author: "renovate[bot]", authorIsBot: true });
    expect(await host.getPullRequest(4)).toMatchObject({
      author: "corepower[bot]",
      authorIsBot: true,
      draft: true,
    });
    expect(await host.getPullRequest(5)).toMatchObject({
      author: "alice",
      authorIsBot: false,
      state: "closed",
      merged: true,
      body: "",
    });
  });
});

describe("listReviews and listPullRequestCommits", () => {
  it("follows pagination past 100 reviews and maps their states", async () => {
    server.state.seedPullRequest(undefined, { number: 7 });
    const states = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"] as const;
    for (let i = 0; i < 130; i++) server.state.addReview(7, { user: `reviewer${i}`, state: states[i % 4]! });
    server.state.addReview(7, { user: "pending-reviewer", state: "PENDING" });

    const reviews = await host.listReviews(7);

    expect(reviews).toHaveLength(131);
    expect(reviews[0]).toMatchObject({ user: "reviewer0", state: "APPROVED" });
    expect(reviews[0]?.submittedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(reviews[129]).toMatchObject({ user: "reviewer129", state: "CHANGES_REQUESTED" });
    expect(reviews[130]).toEqual({
      user: "pending-reviewer",
      state: "PENDING",
      commitId: (server.state.pullRequest(7).head as { sha: string }).sha,
    });
    const pages = server.requestsTo("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews");
    expect(pages.map((r) => r.query)).toEqual([{ per_page: "100" }, { per_page: "100", page: "2" }]);
  });

  it("lists commits with their message and author login, or the git author name", async () => {
    server.state.seedPullRequest(undefined, { number: 8 });
    server.state.addCommit(8, { message: "AGLT2: corepower 13.87\n\nTicket: GGUS-123", author: "alice" });
    server.state.addCommit(8, { message: "fixup", author: null });

    const commits = await host.listPullRequestCommits(8);

    expect(commits.map((c) => [c.message, c.author])).toEqual([
      ["Adding a .gitignore file", "Codertocat"],
      ["AGLT2: corepower 13.87\n\nTicket: GGUS-123", "alice"],
      ["fixup", "Unknown Author"],
    ]);
    expect(commits[0]?.sha).toBe((server.state.pullRequest(8).head as { sha: string }).sha);
  });
});

describe("upsertComment", () => {
  it("creates one comment, then updates it in place; an identical body sends no PATCH", async () => {
    server.state.seedPullRequest(undefined, { number: 12 });

    const first = await host.upsertComment(12, MARKER, "verdict: 2 problems");
    const second = await host.upsertComment(12, MARKER, "verdict: 1 problem");
    const third = await host.upsertComment(12, MARKER, "verdict: no problems");
    const fourth = await host.upsertComment(12, MARKER, "verdict: no problems");

    expect(first).toEqual({ id: expect.any(Number), created: true });
    expect([second, third, fourth]).toEqual(Array(3).fill({ id: first.id, created: false }));
    const comments = server.state.commentsOn(12);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ id: first.id, body: `${MARKER}\nverdict: no problems` });
    expect(comments[0]?.user).toMatchObject({ login: "github-actions[bot]", type: "Bot" });
    expect(server.requestsTo(CREATE_COMMENT).map((r) => r.body)).toEqual([
      { body: `${MARKER}\nverdict: 2 problems` },
    ]);
    expect(server.requestsTo(UPDATE_COMMENT).map((r) => r.body)).toEqual([
      { body: `${MARKER}\nverdict: 1 problem` },
      { body: `${MARKER}\nverdict: no problems` },
    ]);
    expect(server.requestsTo(COMMENTS)).toHaveLength(4);
  });

  it("finds its comment on the second page, preferring the bot's over a human quoting the marker", async () => {
    server.state.seedPullRequest(undefined, { number: 12 });
    server.state.addComment(12, `quoting the bot: ${MARKER} old verdict`, "alice");
    for (let i = 0; i < 120; i++) server.state.addComment(12, `discussion ${i}`, i % 2 ? "alice" : "bob");
    const mine = server.state.addComment(12, `${MARKER}\nold verdict`);
    server.state.addComment(12, "later remark", "bob");

    const result = await host.upsertComment(12, MARKER, `${MARKER}\nnew verdict`);

    expect(result).toEqual({ id: mine.id, created: false });
    expect(mine.body).toBe(`${MARKER}\nnew verdict`); // the marker was already in the body: not doubled
    expect(server.state.commentsOn(12)[0]?.body).toBe(`quoting the bot: ${MARKER} old verdict`);
    expect(server.requestsTo(COMMENTS)).toHaveLength(2);
    expect(server.requestsTo(UPDATE_COMMENT)).toHaveLength(1);
    expect(server.requestsTo(CREATE_COMMENT)).toHaveLength(0);
  });
  it("refuses an empty marker, which would match every comment", async () => {
    server.state.seedPullRequest(undefined, { number: 12 });
    server.state.addComment(12, "a human's comment", "alice");

    await expect(host.upsertComment(12, " ", "verdict")).rejects.toThrow(InternalError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("setCommitStatus", () => {
  it("sends the status, cutting descriptions to GitHub's 140 characters", async () => {
    const sha = (server.state.seedPullRequest(undefined, { number: 12 }).head as { sha: string }).sha;
    const long = `2 problems: ${"queue AGLT2_UCORE maxrss below the site minimum; ".repeat(5)}`;

    await host.setCommitStatus(sha, {
      state: "failure",
      context: "siteops/check",
      description: long,
      targetUrl: "https://ci.example.org/run/1",
    });
    await host.setCommitStatus(sha, { state: "success", context: "siteops/lint", description: "ok" });

    const [failure, success] = server
      .requestsTo("POST /repos/{owner}/{repo}/statuses/{sha}")
      .map((r) => r.body as Record<string, string>);
    expect(Array.from(failure?.description ?? "")).toHaveLength(140);
    expect(failure).toMatchObject({
      state: "failure",
      context: "siteops/check",
      target_url: "https://ci.example.org/run/1",
    });
    expect(failure?.description).toBe(`${long.slice(0, 139)}…`);
    expect(success).toEqual({ state: "success", context: "siteops/lint", description: "ok" });
    expect(server.state.statusesFor(sha).map((s) => s.context)).toEqual(["siteops/lint", "siteops/check"]);
  });
});

describe("teamMembers and userExists", () => {
  it("lists every member of a team across pages", async () => {
    const logins = Array.from({ length: 120 }, (_, i) => `member-${i}`);
    server.state.setTeam("atlas-adc", "site-admins", logins);

    expect(await host.teamMembers("atlas-adc", "site-admins")).toEqual(logins);
    expect(server.requestsTo("GET /orgs/{org}/teams/{team_slug}/members")).toHaveLength(2);
  });

  it("says whether a login exists", async () => {
    server.state.addUser("alice");
    server.state.addUser("renovate[bot]");

    expect(await host.userExists("alice")).toBe(true);
    expect(await host.userExists("ALICE")).toBe(true);
    expect(await host.userExists("renovate[bot]")).toBe(true);
    expect(await host.userExists("no-such-user")).toBe(false);
  });
});
