import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyRepository } from "../../src/adapters/example-tree.js";
import type { LogEntry } from "../../src/app/log.js";
import { bundledRepoCopy, PROJECT_ROOT, runCli } from "../helpers/repo.js";

const exec = promisify(execFile);

/** git in `dir`, never in a repository that a hook's GIT_DIR points at. */
async function git(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const clean = {
    ...process.env,
    ...env,
    GIT_DIR: undefined,
    GIT_WORK_TREE: undefined,
    GIT_INDEX_FILE: undefined,
  };
  return (await exec("git", args, { cwd: dir, env: clean })).stdout.trim();
}

interface Author {
  name: string;
  email: string;
}
const person = (name: string): Author => ({
  name,
  email: `${name.split(" ")[0]!.toLowerCase()}@siteops.invalid`,
});
const ALICE = person("Alice First");
const BOB = person("Bob Second");
const CAROL = person("Carol Third");
const OTHER = person("Erin Other");

/** Commits what is staged as `author` on `day` (author and committer date), with an optional body. */
async function commitStaged(dir: string, who: Author, day: string, subject: string, body?: string) {
  const date = `${day}T12:00:00+00:00`;
  const identity = ["-c", `user.name=${who.name}`, "-c", `user.email=${who.email}`, "-c", "commit.gpgsign=0"];
  const message = body === undefined ? ["-m", subject] : ["-m", subject, "-m", body];
  const env = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  await git(dir, [...identity, "commit", "-q", "--allow-empty", ...message], env);
  return git(dir, ["rev-parse", "HEAD"]);
}

async function commit(dir: string, who: Author, day: string, subject: string, body?: string) {
  await git(dir, ["add", "-A"]);
  return commitStaged(dir, who, day, subject, body);
}

async function edit(dir: string, file: string, find: RegExp, replace: string): Promise<void> {
  const text = await readFile(join(dir, file), "utf8");
  if (!find.test(text)) throw new Error(`${file}: ${String(find)} not found`);
  await writeFile(join(dir, file), text.replace(find, replace));
}

const AGLT2 = "sites/US/AGLT2";
const QUEUE = `${AGLT2}/queues/ANALY_AGLT2.yaml`;
const parseLog = (stdout: string) => (JSON.parse(stdout) as { entries: LogEntry[] }).entries;

describe("siteops log over a real history", () => {
  let dir = "";
  const sha: Record<string, string> = {};
  const log = (...args: string[]) => runCli(["log", ...args], dir);

  beforeAll(async () => {
    dir = await copyRepository(PROJECT_ROOT);
    await git(dir, ["init", "-q", "-b", "main"]);
    const bot = person("Import Bot");
    await commitStaged(dir, bot, "2024-01-01", "Repository skeleton (nothing under sites/ yet)");
    sha.import = await commit(dir, bot, "2024-01-02", "Import the bundled tree");
    await edit(dir, QUEUE, /^maxrss: \d+$/m, "maxrss: 24000");
    sha.alice = await commit(dir, ALICE, "2024-02-01", "Raise maxrss for ADCDPA-123");
    await edit(dir, "sites/US/MWT2/queues/MWT2_TEST.yaml", /^maxtime: \d+$/m, "maxtime: 100000");
    sha.mwt2 = await commit(dir, OTHER, "2024-02-15", "MWT2_TEST: longer walltime", "Ticket: GGUS:1000001");
    await edit(dir, QUEUE, /^maxtime: \d+$/m, "maxtime: 259200");
    sha.bob = await commit(
      dir,
      BOB,
      "2024-03-01",
      "Longer walltime",
      "The site asked for 72 h.\n\nTicket: GGUS:1001605",
    );
    await edit(dir, "sites/US/BNL-ATLAS/queues/BNL_TEST.yaml", /^maxrss: \d+$/m, "maxrss: 20000");
    sha.bnl = await commit(dir, OTHER, "2024-03-15", "BNL_TEST memory");
    await edit(dir, QUEUE, /^timefloor: \d+$/m, "timefloor: 60");
    sha.carol = await commit(
      dir,
      CAROL,
      "2024-04-01",
      "Set a timefloor",
      "As agreed in INC4033110 with the site.",
    );
    await edit(dir, `${AGLT2}/site.yaml`, /^region: .*$/m, "region: US-MIDW");
    sha.site = await commit(dir, OTHER, "2024-04-15", "AGLT2 region");
    await git(dir, ["mv", "sites/US/MWT2/queues/MWT2_TEST.yaml", "sites/US/NET2/queues/MWT2_TEST.yaml"]);
    await edit(dir, "sites/US/NET2/queues/MWT2_TEST.yaml", /^atlas_site: MWT2$/m, "atlas_site: NET2");
    sha.move = await commit(dir, OTHER, "2024-05-01", "Move MWT2_TEST to NET2");
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // Three edits of ANALY_AGLT2, each with a ticket in another form, plus the import that added it.
  it("shows a queue's commits newest first, with dates, authors and tickets, and no other queue's", async () => {
    const result = await log("--queue", "ANALY_AGLT2");

    const headers = result.stdout.split("\n").filter((line) => /^\d{4}-\d\d-\d\d {2}/.test(line));
    const header = (day: string, key: string, who: Author, tickets: string) =>
      `${day}  ${sha[key]!.slice(0, 12)}  ${who.name} <${who.email}>  ${tickets}`;
    expect(headers).toEqual([
      header("2024-04-01", "carol", CAROL, "INC4033110"),
      header("2024-03-01", "bob", BOB, "GGUS:1001605"),
      header("2024-02-01", "alice", ALICE, "ADCDPA-123"),
      header("2024-01-02", "import", person("Import Bot"), "(no ticket)"),
    ]);
    expect(result.stdout).not.toMatch(/MWT2|BNL|region/);
    expect(result.code).toBe(0);
  });

  it("gives tickets with ids, links and systems in JSON, and each entry's changes name the queue", async () => {
    const result = await log("--queue", "ANALY_AGLT2", "--format", "json");

    const entries = parseLog(result.stdout);
    expect(entries.map((e) => e.sha)).toEqual([sha.carol, sha.bob, sha.alice, sha.import]);
    expect(entries.map((e) => e.author)).toEqual([CAROL.name, BOB.name, ALICE.name, "Import Bot"]);
    expect(entries.map((e) => e.tickets)).toEqual([
      [{ id: "INC4033110", system: "ServiceNow", url: expect.stringContaining("INC4033110") }],
      [{ id: "GGUS:1001605", system: "GGUS", url: "https://helpdesk.ggus.eu/#ticket/zoom/1001605" }],
      [{ id: "ADCDPA-123", system: "JIRA", url: "https://its.cern.ch/jira/browse/ADCDPA-123" }],
      [],
    ]);
    expect(entries.map((e) => e.changes.map((c) => `${c.kind} ${c.name} ${c.action}`))).toEqual([
      ["queue ANALY_AGLT2 modified"],
      ["queue ANALY_AGLT2 modified"],
      ["queue ANALY_AGLT2 modified"],
      ["queue ANALY_AGLT2 added"],
    ]);
    expect(entries.slice(0, 3).map((e) => e.changes[0]!.fields.map((f) => f.path))).toEqual([
      ["timefloor"],
      ["maxtime"],
      ["maxrss"],
    ]);
    expect(result.code).toBe(0);
  });

  it("follows a queue moved to another site folder", async () => {
    const result = await log("--queue", "MWT2_TEST", "--format", "json");

    const entries = parseLog(result.stdout);
    expect(entries.map((e) => e.sha)).toEqual([sha.move, sha.mwt2, sha.import]);
    expect(entries[0]!.changes).toEqual([
      expect.objectContaining({
        action: "moved",
        file: "sites/US/NET2/queues/MWT2_TEST.yaml",
        previousFile: "sites/US/MWT2/queues/MWT2_TEST.yaml",
      }),
    ]);
    expect(result.code).toBe(0);
  });

  it("keeps only commits after --since", async () => {
    const result = await log("--queue", "ANALY_AGLT2", "--since", "2024-02-20", "--format", "json");

    expect(parseLog(result.stdout).map((e) => e.sha)).toEqual([sha.carol, sha.bob]);
    expect(result.code).toBe(0);
  });

  it("shows the commits that touch a site or its queues with --site", async () => {
    const result = await log("--site", "AGLT2", "--format", "json");

    const entries = parseLog(result.stdout);
    expect(entries.map((e) => e.sha)).toEqual([sha.site, sha.carol, sha.bob, sha.alice, sha.import]);
    expect(entries[0]!.changes.map((c) => `${c.kind} ${c.name}`)).toEqual(["site AGLT2"]);
    expect(entries.every((e) => e.changes.every((c) => c.site === "AGLT2"))).toBe(true);
    expect(result.code).toBe(0);
  });

  it.each([
    ["no selector", [], /^siteops: give exactly one of --queue Q, --site S or --cloud C/],
    ["two selectors", ["--queue", "ANALY_AGLT2", "--site", "AGLT2"], /^siteops: give exactly one of/],
    ["an unknown queue", ["--queue", "NO_SUCH_QUEUE"], /^siteops: .*`NO_SUCH_QUEUE`/],
  ])("exits 2 with a message for %s", async (_what, args, message) => {
    const result = await log(...args);

    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });
});

describe("siteops log when the history reaches the repository's first commit", () => {
  let repo: Awaited<ReturnType<typeof bundledRepoCopy>>;
  beforeAll(async () => {
    repo = await bundledRepoCopy();
  });
  afterAll(() => repo.cleanup());

  it("includes the first commit, which added the queue", async () => {
    const root = await git(repo.dir, ["rev-parse", "HEAD"]);
    await edit(repo.dir, QUEUE, /^maxrss: \d+$/m, "maxrss: 24000");
    const change = await commit(repo.dir, ALICE, "2030-01-01", "Raise maxrss for ADCDPA-123");

    const result = await runCli(["log", "--queue", "ANALY_AGLT2", "--format", "json"], repo.dir);

    expect(result.stderr).toBe("");
    const entries = parseLog(result.stdout);
    expect(entries.map((e) => [e.sha, e.changes.map((c) => c.action)])).toEqual([
      [change, ["modified"]],
      [root, ["added"]],
    ]);
    expect(result.code).toBe(0);
  });
});
