/**
 * The corepower bot end to end: a real git repository with a bare remote, the OpenAPI-checked local
 * GitHub API, and `siteops corepower --open-prs` run again and again as the schedule would. The steps
 * build on each other (one world per file, steps in order).
 */
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GitRevisionReader } from "../../src/adapters/git-reader.js";
import { FsSchemaSource } from "../../src/adapters/schemas-fs.js";
import { checkPullRequest } from "../../src/app/check.js";
import { BLOCKED_MARKER } from "../../src/app/corepower-prs.js";
import { loadOwnership } from "../../src/app/ownership.js";
import { parseBlock } from "../../src/core/corepower/pr-block.js";
import { git } from "../helpers/repo.js";
import { BOT, CorepowerWorld, pullRoutes, TICKET } from "./e2e-harness.js";
import { type Doc, NOW, SAMPLE_FILE, series } from "./helpers.js";

const SLOW = 120_000;
let world: CorepowerWorld;
const numbers: Record<string, number> = {};

beforeAll(async () => {
  world = await CorepowerWorld.create();
  await world.addResults([
    ...series("AGLT2", 14.8, 8, { startDaysAgo: 20 }),
    ...series("FZK-LCG2", 15.0, 6, { startDaysAgo: 20 }),
    ...series("IFAE", 13.9, 6, { startDaysAgo: 20 }),
    ...series("MWT2", 13.9, 6, { startDaysAgo: 20 }),
  ]);
  await copyFile(SAMPLE_FILE, join(world.feed, "hepscore19-sample.json"));
}, SLOW);

afterEach(() => {
  world.server.assertNoViolations();
});

afterAll(async () => {
  await world?.close();
});

const pr = (cloud: string) => world.server.state.pullRequest(numbers[cloud]!) as Doc;

describe("siteops corepower --open-prs", () => {
  it(
    "opens one pull request per cloud with changes, each on its own branch",
    async () => {
      const { json } = await world.run();
      expect(json.proposals.map((p) => [p.cloud, p.site, p.queue ?? "-", p.before, p.after])).toEqual([
        ["DE", "FZK-LCG2", "-", 14.02, 15],
        ["ES", "IFAE", "ANALY_IFAE", 12.85, 13.9],
        ["ES", "IFAE", "IFAE_UCORE", 12.85, 13.9],
        ["US", "AGLT2", "-", 13.87, 14.8],
      ]);
      expect(json.skipped).toEqual([{ reason: "wrong-benchmark", count: 1 }]);
      expect(json.pullRequests?.map((o) => [o.cloud, o.action])).toEqual([
        ["DE", "opened"],
        ["ES", "opened"],
        ["US", "opened"],
      ]);
      for (const o of json.pullRequests!) numbers[o.cloud] = o.number!;
      expect(Object.keys(await world.remoteBranches()).sort()).toEqual([
        "main",
        "siteops/corepower/DE",
        "siteops/corepower/ES",
        "siteops/corepower/US",
      ]);
      const us = pr("US");
      expect(us.title).toBe(`${TICKET} corepower: cloud US: 1 value from HEPscore23 benchmarks`);
      expect(us.user.login).toBe(BOT);
      expect(us.head.ref).toBe("siteops/corepower/US");
      expect(us.base.ref).toBe("main");
      expect(us.labels.map((l: { name: string }) => l.name)).toEqual(["corepower", "bot"]);
      const body = us.body as string;
      expect(body).toContain("| AGLT2 | `queue_defaults.corepower` | 13.87 → **14.8** | +6.7 % | 8 |");
      expect(body).toContain("| AGLT2_MERGE | 1 | 13.87 | 14.8 | +6.7 % |");
      expect(body).toContain("| AGLT2_TEST | 8 | 110.96 | 118.4 | +6.7 % |");
      expect(body).toContain("```mermaid\nxychart-beta");
      expect(body).toContain("Records skipped in this run: wrong-benchmark 1.");
      expect(parseBlock(body)).toMatchObject({
        cloud: "US",
        values: [
          {
            file: "sites/US/AGLT2/site.yaml",
            path: "queue_defaults.corepower",
            before: 13.87,
            after: 14.8,
            samples: 8,
          },
        ],
      });
      // MWT2 changes by less than the threshold: no pull request for it, and no mention.
      expect(body).not.toContain("MWT2");
    },
    SLOW,
  );

  it(
    "the bot's commit changes only corepower lines, is the bot's, and passes the policy gate",
    async () => {
      const branches = await world.remoteBranches();
      await git(world.dir, "fetch", "-q", "origin");
      for (const cloud of ["DE", "ES", "US"]) {
        const head = branches[`siteops/corepower/${cloud}`]!;
        const diff = await git(world.dir, "diff", "--unified=0", `${head}^`, head);
        const changed = diff.split("\n").filter((l) => /^[-+](?![-+]{2} )/.test(l));
        expect(changed.length).toBeGreaterThan(0);
        for (const line of changed) expect(line).toMatch(/^[-+]\s*corepower: \d+(\.\d+)?$/);
        const author = await git(world.dir, "log", "-1", "--format=%an <%ae>%n%B", head);
        expect(author).toContain(`${BOT} <${BOT}@users.noreply.github.com>`);
        expect(author).toContain(`Ticket: ${TICKET}`);
      }
      const es = await git(
        world.dir,
        "diff",
        "--stat",
        `${branches["siteops/corepower/ES"]}^`,
        branches["siteops/corepower/ES"]!,
      );
      expect(es).toContain("2 files changed, 2 insertions(+), 2 deletions(-)");

      const reader = new GitRevisionReader(world.dir);
      try {
        const schemas = new FsSchemaSource();
        const us = pr("US");
        const base = (await git(world.dir, "rev-parse", "origin/main")).trim();
        const result = await checkPullRequest({
          reader,
          schemas,
          base,
          head: branches["siteops/corepower/US"]!,
          ownersOf: await loadOwnership(reader, schemas, base),
          now: NOW,
          pullRequest: {
            number: us.number,
            title: us.title,
            body: us.body,
            state: "open",
            merged: false,
            draft: false,
            author: BOT,
            authorIsBot: true,
            baseRef: "main",
            baseSha: base,
            headRef: us.head.ref,
            headSha: branches["siteops/corepower/US"]!,
            labels: [],
            createdAt: us.created_at,
            url: us.html_url,
          },
        });
        const status = (name: string) => result.verdict.checks.find((c) => c.name === name)?.status;
        expect(status("policy")).toBe("pass");
        expect(status("ticket")).toBe("pass");
      } finally {
        await reader.close();
      }
    },
    SLOW,
  );

  it(
    "a second run with the same feed changes nothing: no new pull request, commit or edit",
    async () => {
      const before = { branches: await world.remoteBranches(), routes: pullRoutes(world.server) };
      const { json } = await world.run();
      expect(json.pullRequests?.map((o) => [o.cloud, o.action, o.number])).toEqual([
        ["DE", "unchanged", numbers.DE],
        ["ES", "unchanged", numbers.ES],
        ["US", "unchanged", numbers.US],
      ]);
      expect(await world.remoteBranches()).toEqual(before.branches);
      expect(pullRoutes(world.server)).toEqual(before.routes);
      expect(world.server.requestsTo("POST /repos/{owner}/{repo}/issues/{issue_number}/labels")).toHaveLength(
        3,
      );
    },
    SLOW,
  );

  it(
    "new measurements update the same pull request: same number, new commit, new body",
    async () => {
      const before = await world.remoteBranches();
      const patched = pullRoutes(world.server).patched;
      // Newer results a little higher: stable over the window (the older ones are not outliers).
      await world.addResults(series("AGLT2", 15.0, 10, { startDaysAgo: 1 }));
      const { json } = await world.run();
      const after = json.proposals.find((p) => p.site === "AGLT2")?.after;
      expect(after).toBe(14.95);
      expect(json.pullRequests?.map((o) => [o.cloud, o.action, o.number])).toEqual([
        ["DE", "unchanged", numbers.DE],
        ["ES", "unchanged", numbers.ES],
        ["US", "updated", numbers.US],
      ]);
      const branches = await world.remoteBranches();
      expect(branches["siteops/corepower/US"]).not.toBe(before["siteops/corepower/US"]);
      expect(branches["siteops/corepower/DE"]).toBe(before["siteops/corepower/DE"]);
      expect(pullRoutes(world.server).patched).toBe(patched + 1);
      expect(pr("US").body).toContain("13.87 → **14.95**");
      expect(parseBlock(pr("US").body)?.commit).toBe(branches["siteops/corepower/US"]);
      expect(pr("US").state).toBe("open");
      expect(world.server.state.pulls.size).toBe(3);
      // The new commit is on the current base, not on the old commit (no pile of bot commits).
      const parent = (await git(world.bare, "rev-parse", `${branches["siteops/corepower/US"]}^`)).trim();
      expect(parent).toBe(branches.main);
    },
    SLOW,
  );

  it(
    "a person's commit on the branch stops the force-push: the bot comments instead",
    async () => {
      const personal = await world.personPushes(
        "siteops/corepower/DE",
        "sites/DE/FZK-LCG2/site.yaml",
        "queue_defaults:",
        "# new nodes from 2026 in the numbers\nqueue_defaults:",
      );
      await world.addResults(series("FZK-LCG2", 15.6, 10, { startDaysAgo: 1 }));
      const { json } = await world.run();
      expect(json.pullRequests?.find((o) => o.cloud === "DE")).toMatchObject({
        action: "blocked",
        number: numbers.DE,
      });
      expect((await world.remoteBranches())["siteops/corepower/DE"]).toBe(personal);
      const comments = world.server.state.commentsOn(numbers.DE!);
      expect(comments).toHaveLength(1);
      const text = comments[0]!.body as string;
      expect(text).toContain(BLOCKED_MARKER);
      expect(text).toContain(`${personal.slice(0, 12)} by Jane Admin <jane.admin@kit.example>`);
      expect(text).toContain("| FZK-LCG2 | `queue_defaults.corepower` | 14.02 → 15.6 |");
      expect(pr("DE").body).toContain("14.02 → **15**");

      // Again: the same comment is kept up to date, never a second one.
      await world.run();
      expect(world.server.state.commentsOn(numbers.DE!)).toHaveLength(1);
      expect((await world.remoteBranches())["siteops/corepower/DE"]).toBe(personal);
    },
    SLOW,
  );

  it(
    "a pull request closed without merge suppresses exactly its values",
    async () => {
      world.server.state.editPullRequest(numbers.ES!, { state: "closed" });
      const created = pullRoutes(world.server).created;
      const esHead = (await world.remoteBranches())["siteops/corepower/ES"];
      const { json } = await world.run();
      expect(json.proposals.filter((p) => p.cloud === "ES")).toEqual([]);
      expect(json.pullRequests?.find((o) => o.cloud === "ES")).toMatchObject({ action: "unchanged" });
      expect(pullRoutes(world.server).created).toBe(created);
      expect((await world.remoteBranches())["siteops/corepower/ES"]).toBe(esHead);

      // Other values for the same queues are new: proposed again, in a new pull request.
      await world.addResults(series("IFAE", 14.4, 10, { startDaysAgo: 1 }));
      const next = await world.run();
      const es = next.json.pullRequests?.find((o) => o.cloud === "ES");
      expect(es).toMatchObject({ action: "opened" });
      expect(es?.number).not.toBe(numbers.ES);
      expect(world.server.state.pullRequest(es!.number!).body).toContain("12.85 → **14.4**");
      expect(world.server.state.pullRequest(numbers.ES!).state).toBe("closed");
    },
    SLOW,
  );
});
