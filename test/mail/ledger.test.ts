import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitMailLedger } from "../../src/adapters/mail-ledger.js";
import type { DigestEntry } from "../../src/core/mail/model.js";
import { git } from "./helpers.js";

const ID = "<siteops.applied.pr42.AGLT2.0123456789abcdef@example.org>";
const META = { stage: "applied", site: "AGLT2", at: "2026-11-23T10:00:00.000Z", via: "smtp" } as const;

const entry = (id: string, site: string): DigestEntry => ({
  id,
  site,
  cloud: "US",
  repository: "atlas-siteops/config",
  queuedAt: "2026-11-23T10:00:00.000Z",
  tickets: [],
  changes: [],
});

describe("GitMailLedger: the sent-ledger and digest queue on a branch, with real git", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "siteops-ledger-test-"));
    await git(dir, "init", "-q", "-b", "main");
    await writeFile(join(dir, "README"), "work tree\n");
    await git(dir, "add", "README");
    await git(dir, "-c", "user.name=Ada", "-c", "user.email=ada@siteops.invalid", "commit", "-qm", "init");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("records a Message-ID on the branch without touching HEAD, the index or the work tree", async () => {
    const ledger = new GitMailLedger(dir);
    const head = await git(dir, "rev-parse", "HEAD");
    await writeFile(join(dir, "README"), "edited, not staged\n");

    expect(await ledger.has(ID)).toBe(false);
    await ledger.record(ID, { ...META, accepted: ["a@example.org"], rejected: [] });

    expect(await ledger.has(ID)).toBe(true);
    expect(await ledger.has(ID.replace("AGLT2", "MWT2"))).toBe(false);
    // Another process (another machine after a fetch) sees the same record.
    expect(await new GitMailLedger(dir).has(ID)).toBe(true);
    expect(await git(dir, "rev-parse", "HEAD")).toBe(head);
    expect(await git(dir, "status", "--porcelain")).toBe("M README");
    const files = (await git(dir, "ls-tree", "-r", "--name-only", "siteops-ledger")).split("\n");
    expect(files).toEqual([expect.stringMatching(/^sent\/[0-9a-f]{2}\/[0-9a-f]{64}\.json$/)]);
    const record = JSON.parse(await git(dir, "show", `siteops-ledger:${files[0]}`)) as Record<
      string,
      unknown
    >;
    expect(record).toMatchObject({
      messageId: ID,
      stage: "applied",
      site: "AGLT2",
      accepted: ["a@example.org"],
    });
    expect(await git(dir, "log", "--format=%s", "siteops-ledger")).toBe(`sent applied AGLT2: ${ID}`);
  });

  it("keeps every record when several writers record at once, one commit each", async () => {
    // Three ledger objects stand for three processes: only update-ref's compare-and-swap orders them.
    const writers = [0, 1, 2].map(() => new GitMailLedger(dir, "notes/mail"));
    const ids = Array.from({ length: 6 }, (_, i) => ID.replace("pr42", `pr${i}`));

    await Promise.all(ids.map((id, i) => writers[i % 3]!.record(id, META)));

    for (const id of ids) expect(await writers[0]!.has(id)).toBe(true);
    expect((await git(dir, "rev-list", "--count", "notes/mail")).trim()).toBe("6");
  });

  it("merges the ledgers of two clones without conflicts (one file per record)", async () => {
    const clone = `${dir}-clone`;
    await new GitMailLedger(dir).record(ID, META);
    await git(tmpdir(), "clone", "-q", dir, clone);
    try {
      await git(clone, "fetch", "-q", "origin", "siteops-ledger:siteops-ledger");
      const other = ID.replace("AGLT2", "MWT2");
      await new GitMailLedger(clone).record(other, { ...META, site: "MWT2" });
      await new GitMailLedger(dir).record(ID.replace("AGLT2", "BNL"), { ...META, site: "BNL" });
      await git(dir, "fetch", "-q", clone, "siteops-ledger:refs/remotes/clone/siteops-ledger");
      // What the workflow does after a rejected push: merge the other side's records, then push again.
      const ours = await git(dir, "rev-parse", "siteops-ledger");
      const theirs = await git(dir, "rev-parse", "clone/siteops-ledger");
      const tree = await git(dir, "merge-tree", "--write-tree", ours, theirs);
      expect(tree).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
  });

  it("queues digest entries once each, lists them and removes them", async () => {
    const queue = new GitMailLedger(dir);
    await queue.append(entry("<a@x>", "AGLT2"));
    await queue.append(entry("<a@x>", "AGLT2"));
    await queue.append(entry("<b@x>", "MWT2"));

    expect((await queue.list()).map((e) => e.id).sort()).toEqual(["<a@x>", "<b@x>"]);
    await queue.remove(["<a@x>", "<unknown@x>"]);
    expect((await queue.list()).map((e) => e.id)).toEqual(["<b@x>"]);
    expect(await git(dir, "status", "--porcelain")).toBe("");
  });

  it("reports a folder that is not a git repository in where/what/how-to-fix form", async () => {
    const plain = await mkdtemp(join(tmpdir(), "siteops-not-git-"));
    try {
      await expect(new GitMailLedger(plain).has(ID)).rejects.toThrow(
        new RegExp(
          `^${plain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: git [\\w-]+ failed for the mail ledger \\(.*\\)\\. Check that it is a git repository with \`git status\`\\.$`,
          "s",
        ),
      );
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});
