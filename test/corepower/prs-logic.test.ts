/**
 * The per-cloud pull-request decisions of `runPullRequests` with in-memory fakes (git, GitHub, feed),
 * for the cases the end-to-end test does not reach: a merged branch with someone's commits, a blocked
 * branch without a pull request, and a pull request whose block was edited away.
 */
import { describe, expect, it } from "vitest";
import { FsSchemaSource } from "../../src/adapters/schemas-fs.js";
import { type PullRequestHost, runPullRequests } from "../../src/app/corepower-prs.js";
import type { BranchCommit, BranchPublisher, FeedSource } from "../../src/core/corepower/ports.js";
import type { PullRequestInfo, RevisionReader } from "../../src/core/ports.js";
import { NOW, series } from "./helpers.js";

const BASE = "b".repeat(40);
const HEAD = "h".repeat(40);
const BOT_EMAIL = "siteops-corepower[bot]@users.noreply.github.com";
const FILES: Record<string, string> = {
  "sites/US/AGLT2/site.yaml": "name: AGLT2\ncloud: US\nrc_site: AGLT2\nqueue_defaults:\n  corepower: 13.87\n",
  "siteops.config.yaml": "corepower:\n  ticket: ADCINFR-1\n",
};

const reader: RevisionReader = {
  resolve: async (ref) => ref,
  changedPaths: async () => [],
  listFiles: async (_rev, prefix) => Object.keys(FILES).filter((p) => p.startsWith(prefix)),
  readFiles: async (_rev, paths) =>
    new Map(paths.filter((p) => p in FILES).map((p) => [p, new TextEncoder().encode(FILES[p]!)])),
  log: async () => [],
  close: async () => {},
};

const feedSource: FeedSource = {
  readFeed: async () => [
    {
      feed: "f",
      source: "f.jsonl",
      text: series("AGLT2", 14.8, 6)
        .map((d) => JSON.stringify(d))
        .join("\n"),
    },
  ],
  readDataFile: async () => ({ source: "", text: "" }),
};

function pull(changes: Partial<PullRequestInfo>): PullRequestInfo {
  return {
    number: 7,
    title: "t",
    body: "",
    state: "open",
    merged: false,
    draft: false,
    author: "siteops-corepower[bot]",
    authorIsBot: true,
    baseRef: "main",
    baseSha: BASE,
    headRef: "siteops/corepower/US",
    headSha: HEAD,
    labels: [],
    createdAt: "2026-01-01T00:00:00Z",
    url: "https://github.example/pull/7",
    ...changes,
  };
}

function world(options: { open?: PullRequestInfo; closed?: PullRequestInfo[]; commits: BranchCommit[] }) {
  const calls: string[] = [];
  const publisher: BranchPublisher = {
    fetch: async () => {},
    remoteHead: async (branch) => (branch === "main" ? BASE : HEAD),
    commitsSince: async () => options.commits,
    commit: async () => "c".repeat(40),
    push: async (commit, branch, expected) => {
      calls.push(`push ${branch} ${commit.slice(0, 4)} over ${expected?.slice(0, 4)}`);
    },
  };
  const host: PullRequestHost = {
    listPullRequestsByHead: async (_branch, state) =>
      state === "open" ? (options.open ? [options.open] : []) : (options.closed ?? []),
    createPullRequest: async (input) => {
      calls.push(`create ${input.head}`);
      return pull({ number: 8, title: input.title, body: input.body });
    },
    updatePullRequest: async (number) => {
      calls.push(`update #${number}`);
      return pull({ number });
    },
    addLabels: async (number, labels) => {
      calls.push(`label #${number} ${labels.join(",")}`);
    },
    upsertComment: async (number) => {
      calls.push(`comment #${number}`);
      return { id: 1, created: true };
    },
  };
  const run = () =>
    runPullRequests({
      reader,
      publisher,
      host,
      schemas: new FsSchemaSource(),
      feedSource,
      inputs: { feeds: ["f"] },
      now: NOW,
      baseBranch: "main",
      branchPrefix: "siteops/corepower/",
    });
  return { calls, run };
}

const person: BranchCommit = { sha: HEAD, authorName: "Jane", authorEmail: "jane@example.org", subject: "x" };
const bot: BranchCommit = { sha: HEAD, authorName: "bot", authorEmail: BOT_EMAIL, subject: "corepower" };

describe("per-cloud decisions", () => {
  it("a merged branch with someone's commits is spent: overwritten, and a new pull request opened", async () => {
    const w = world({ closed: [pull({ state: "closed", merged: true })], commits: [person] });
    const { outcomes } = await w.run();
    expect(outcomes).toMatchObject([{ cloud: "US", action: "opened", number: 8 }]);
    expect(w.calls).toEqual([
      "push siteops/corepower/US cccc over hhhh",
      "create siteops/corepower/US",
      "label #8 corepower,bot",
    ]);
  });

  it("someone's commits on a branch without an open pull request block it, with advice", async () => {
    const w = world({
      closed: [pull({ state: "closed", merged: false, body: "rejected" })],
      commits: [person],
    });
    const { outcomes } = await w.run();
    expect(outcomes).toMatchObject([
      {
        action: "blocked",
        detail: expect.stringContaining("delete the branch so the bot can open a new one"),
      },
    ]);
    expect(w.calls).toEqual([]);
  });

  it("an open pull request whose block was edited away gets a new commit and body", async () => {
    const w = world({ open: pull({ body: "someone rewrote the description" }), commits: [bot] });
    const { outcomes } = await w.run();
    expect(outcomes).toMatchObject([{ action: "updated", number: 7 }]);
    expect(w.calls).toEqual([
      "push siteops/corepower/US cccc over hhhh",
      "update #7",
      "label #7 corepower,bot",
    ]);
  });
});
