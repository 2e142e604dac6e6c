/**
 * The adapters behind `--open-prs` on their own: the pull-request methods of the GitHub code host
 * against the OpenAPI-checked server, and the git publisher against a bare remote.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitBranchPublisher } from "../../src/adapters/git-push.js";
import { OctokitCodeHost } from "../../src/adapters/github.js";
import { OperationalError } from "../../src/core/errors.js";
import { faults, type GitHubServer, resolveBranchesWith, startGitHubServer } from "../github/index.js";
import { bundledRepoCopy, git } from "../helpers/repo.js";

const OWNER = "atlas-adc";
const REPO = "siteops-config";
const TOKEN = "ghs_prs";

describe("OctokitCodeHost: pull requests of one branch", () => {
  let server: GitHubServer;
  let host: OctokitCodeHost;
  const heads = new Map<string, string>([
    ["main", "a".repeat(40)],
    ["siteops/corepower/US", "b".repeat(40)],
  ]);

  beforeEach(async () => {
    server = await startGitHubServer({
      owner: OWNER,
      repo: REPO,
      token: TOKEN,
      viewer: "siteops-corepower[bot]",
    });
    resolveBranchesWith(server.state, (branch) => heads.get(branch));
    host = new OctokitCodeHost({ token: TOKEN, owner: OWNER, repo: REPO, baseUrl: server.url });
  });

  afterEach(async () => {
    try {
      server.assertNoViolations();
    } finally {
      await server.close();
    }
  });

  it("creates, lists by head and state, updates and labels", async () => {
    const created = await host.createPullRequest({
      title: "t",
      body: "b",
      head: "siteops/corepower/US",
      base: "main",
    });
    expect(created).toMatchObject({
      number: 1,
      title: "t",
      body: "b",
      state: "open",
      author: "siteops-corepower[bot]",
      authorIsBot: true,
      headRef: "siteops/corepower/US",
      headSha: "b".repeat(40),
      baseRef: "main",
      labels: [],
    });
    expect(server.requestsTo("GET /repos/{owner}/{repo}/pulls")).toHaveLength(0);
    expect(await host.listPullRequestsByHead("siteops/corepower/US", "open")).toMatchObject([{ number: 1 }]);
    expect(await host.listPullRequestsByHead("siteops/corepower/DE", "open")).toEqual([]);
    expect(await host.listPullRequestsByHead("siteops/corepower/US", "closed")).toEqual([]);
    expect(server.requestsTo("GET /repos/{owner}/{repo}/pulls")[0]?.query).toMatchObject({
      head: `${OWNER}:siteops/corepower/US`,
      state: "open",
    });

    const updated = await host.updatePullRequest(1, { body: "new body" });
    expect(updated).toMatchObject({ title: "t", body: "new body" });
    await host.addLabels(1, ["corepower", "bot"]);
    await host.addLabels(1, ["bot", "needs-cloud-approval"]);
    expect((await host.getPullRequest(1)).labels).toEqual(["corepower", "bot", "needs-cloud-approval"]);

    server.state.editPullRequest(1, { state: "closed" });
    expect(await host.listPullRequestsByHead("siteops/corepower/US", "closed")).toMatchObject([
      { number: 1, state: "closed", merged: false },
    ]);
  });

  it("a second pull request for the same branch is refused as GitHub does", async () => {
    await host.createPullRequest({ title: "t", body: "b", head: "siteops/corepower/US", base: "main" });
    await expect(
      host.createPullRequest({ title: "t", body: "b", head: "siteops/corepower/US", base: "main" }),
    ).rejects.toThrow(
      /GitHub refused opening a pull request from siteops\/corepower\/US into main \(422\): Validation Failed: A pull request already exists/,
    );
    await expect(
      host.createPullRequest({ title: "t", body: "b", head: "no-such-branch", base: "main" }),
    ).rejects.toThrow(/\(422\): Validation Failed: PullRequest head invalid/);
  });

  it("a token without write access gets a message naming the permission", async () => {
    server.failNext("POST /repos/{owner}/{repo}/pulls", faults.forbidden());
    await expect(
      host.createPullRequest({ title: "t", body: "b", head: "siteops/corepower/US", base: "main" }),
    ).rejects.toThrow(/the token lacks permission pull-requests: write/);
  });
});

describe("GitBranchPublisher", () => {
  it("pushes only over the commit it saw; a branch that moved is left alone", async () => {
    const repo = await bundledRepoCopy();
    const scratch = await mkdtemp(join(tmpdir(), "siteops-publisher-"));
    try {
      const bare = join(scratch, "origin.git");
      await git(scratch, "clone", "-q", "--bare", repo.dir, bare);
      await git(repo.dir, "remote", "add", "origin", bare);
      const bot = new GitBranchPublisher(repo.dir, { name: "bot[bot]", email: "bot@example.org" });
      await bot.fetch("main", "siteops/corepower/");
      const base = (await bot.remoteHead("main"))!;
      expect(await bot.remoteHead("siteops/corepower/US")).toBeUndefined();

      const first = await bot.commit(base, new Map([["sites/US/AGLT2/site.yaml", "name: AGLT2\n"]]), "one\n");
      await bot.push(first, "siteops/corepower/US", undefined);
      expect((await git(bare, "rev-parse", "siteops/corepower/US")).trim()).toBe(first);
      expect(await bot.commitsSince(base, first)).toEqual([
        { sha: first, authorName: "bot[bot]", authorEmail: "bot@example.org", subject: "one" },
      ]);
      // The working tree and index of the clone are untouched.
      expect(await git(repo.dir, "status", "--porcelain")).toBe("");

      const second = await bot.commit(
        base,
        new Map([["sites/US/AGLT2/site.yaml", "name: AGLT2 # 2\n"]]),
        "two\n",
      );
      await expect(bot.push(second, "siteops/corepower/US", undefined)).rejects.toThrow(OperationalError);
      await expect(bot.push(second, "siteops/corepower/US", base)).rejects.toThrow(
        "origin/siteops/corepower/US: the branch moved while siteops corepower was running, so it was not overwritten. Run siteops corepower again.",
      );
      await bot.push(second, "siteops/corepower/US", first);
      expect((await git(bare, "rev-parse", "siteops/corepower/US")).trim()).toBe(second);
    } finally {
      await repo.cleanup();
      await rm(scratch, { recursive: true, force: true });
    }
  }, 60_000);
});
