import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { notifyCommand } from "../../src/cli/commands/notify.js";
import {
  FAST,
  fakeIo,
  REPOSITORY,
  type Scenario,
  scenario,
  startSmtp,
  type TestSmtp,
  writeEvent,
} from "./helpers.js";

const QUEUED_AT = new Date("2026-11-23T10:00:00Z");
const hoursLater = (h: number) => new Date(QUEUED_AT.getTime() + h * 3_600_000);

describe("siteops notify: bot changes go into a daily digest per site", () => {
  let repo: Scenario;
  let smtp: TestSmtp;
  beforeEach(async () => {
    repo = await scenario();
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await smtp.close();
    await repo.cleanup();
  });

  const run = async (args: string[], now = QUEUED_AT) => {
    const io = fakeIo(repo.dir, { GITHUB_REPOSITORY: REPOSITORY }, now);
    const code = await notifyCommand([...args, "--smtp", smtp.url], io, FAST);
    return { code, out: io.out.join(""), err: io.err.join("") };
  };

  /** A corepower bot pull request, merged; returns the merged event. */
  async function botPullRequest(
    number: number,
    file: string,
    find: RegExp,
    replace: string,
  ): Promise<{ opened: string; merged: string }> {
    const base = await repo.git("rev-parse", "HEAD");
    await repo.edit(file, find, replace);
    const head = await repo.commit(`corepower from HEPscore23 (#${number})`);
    const pr = {
      number,
      title: "corepower from the HEPscore23 campaign",
      author: "corepower[bot]",
      base,
      head,
    };
    return {
      opened: await writeEvent(repo.dir, "opened", pr),
      merged: await writeEvent(repo.dir, "merged", { ...pr, merged: true, mergeCommit: head }),
    };
  }

  it("queues bot changes, sends one mail per site once due, then clears the queue", async () => {
    const first = await botPullRequest(
      50,
      "sites/US/AGLT2/queues/AGLT2.yaml",
      /^corepower: 14\.54$/m,
      "corepower: 14.9",
    );
    const headsUp = await run(["--event", first.opened]);
    expect(headsUp.code).toBe(0);
    expect(headsUp.out).toMatch(
      /no mail +AGLT2 +bot change without a disruptive change: no heads-up; it goes into the daily digest once merged/,
    );

    const applied = await run(["--event", first.merged]);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toMatch(/digest queue +AGLT2/);
    const second = await botPullRequest(
      51,
      "sites/US/MWT2/site.yaml",
      /^ {2}corepower: 13\.88$/m,
      "  corepower: 14.02",
    );
    expect((await run(["--event", second.merged])).code).toBe(0);
    // Re-running an applied workflow does not queue the change twice.
    expect((await run(["--event", second.merged])).out).toMatch(/already sent +MWT2/);
    expect(smtp.received).toHaveLength(0);

    const early = await run(["--digest"], hoursLater(1));
    expect(early.code).toBe(0);
    expect(early.out).toContain("not due yet: AGLT2 (1), MWT2 (1)");
    expect(smtp.received).toHaveLength(0);

    const due = await run(["--digest"], hoursLater(25));
    expect(due.code, due.err).toBe(0);
    expect(smtp.received.map((m) => m.parsed.subject).sort()).toEqual([
      "[siteops] AGLT2: 1 change (digest of 1 change set)",
      "[siteops] MWT2: 1 change (digest of 1 change set)",
    ]);
    const aglt2 = smtp.received.find((m) => m.parsed.subject?.includes("AGLT2"))!.parsed;
    expect(aglt2.messageId).toMatch(/^<siteops\.digest\.AGLT2\.[0-9a-f]{16}@siteops\.invalid>$/);
    expect(aglt2.text).toContain(
      "Digest for AGLT2 (US): 1 change made by bots to the ATLAS configuration of your site since 2026-11-23 10:00 UTC.",
    );
    expect(aglt2.text).toContain(
      "== Pull request #50: corepower from the HEPscore23 campaign (by corepower[bot]) ==",
    );
    expect(aglt2.text).toContain("14.54 HS23/core -> 14.9 HS23/core");
    expect(aglt2.text).not.toContain("13.88");

    const after = await run(["--digest"], hoursLater(50));
    expect(after.code).toBe(0);
    expect(smtp.received).toHaveLength(2);
    expect(await repo.git("ls-tree", "-r", "--name-only", "siteops-ledger", "--", "digest/")).toBe("");
  });

  it("mails a disruptive bot change at once", async () => {
    const pr = await botPullRequest(
      60,
      "sites/US/AGLT2/queues/AGLT2.yaml",
      /^maxrss: 48000$/m,
      "maxrss: 24000",
    );

    const headsUp = await run(["--event", pr.opened]);

    expect(headsUp.code).toBe(0);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.parsed.text).toContain("Heads-up for AGLT2 (US)");
  });
});
