import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { DiffReport } from "../../src/core/diff/model.js";
import { bundledRepoCopy, runCli } from "../helpers/repo.js";

type Repo = Awaited<ReturnType<typeof bundledRepoCopy>>;
const exec = promisify(execFile);
const IDENTITY = ["-c", "user.name=Ada", "-c", "user.email=ada@siteops.invalid", "-c", "commit.gpgsign=0"];

/** git in `dir`, never in a repository that a hook's GIT_DIR points at. */
async function git(dir: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined };
  return (await exec("git", args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
}

async function commitAll(dir: string, message: string): Promise<string> {
  await git(dir, "add", "-A");
  await git(dir, ...IDENTITY, "commit", "-q", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}

/** Replaces the first match of `find`; fails loudly when the text is not there. */
async function edit(dir: string, file: string, find: RegExp, replace: string): Promise<void> {
  const text = await readFile(join(dir, file), "utf8");
  if (!find.test(text)) throw new Error(`${file}: ${String(find)} not found`);
  await writeFile(join(dir, file), text.replace(find, replace));
}

const yamlOf = async (dir: string, file: string) =>
  parse(await readFile(join(dir, file), "utf8")) as Record<string, unknown>;
const perCore = (mb: number) => `${mb.toLocaleString("en-US", { maximumFractionDigits: 0 })} MB/core`;
const Q = "sites/US/AGLT2/queues";

describe("siteops diff against the working tree", () => {
  let repo: Repo;
  beforeEach(async () => {
    repo = await bundledRepoCopy();
  });
  afterEach(() => repo.cleanup());

  it("reports an uncommitted maxrss edit as one modified queue with its memory-per-core impact", async () => {
    const file = `${Q}/AGLT2.yaml`;
    const { maxrss, corecount } = (await yamlOf(repo.dir, file)) as { maxrss: number; corecount: number };
    await edit(repo.dir, file, /^maxrss: \d+$/m, `maxrss: ${maxrss + 16000}`);
    const head = await git(repo.dir, "rev-parse", "HEAD");

    const result = await runCli(["diff", "--base", "HEAD", "--format", "json"], repo.dir);

    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.base).toBe(head);
    expect(report.head).toBe("worktree");
    const after = maxrss + 16000;
    expect(report.changes).toEqual([
      {
        ...{ kind: "queue", name: "AGLT2", cloud: "US", site: "AGLT2", action: "modified", file },
        fields: [
          {
            path: "maxrss",
            action: "changed",
            before: maxrss,
            after,
            unit: "MB",
            label: "Maximum memory per slot",
          },
        ],
        impact: [
          { what: "Memory per core", before: perCore(maxrss / corecount), after: perCore(after / corecount) },
        ],
      },
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("reports an untracked new queue file as an added queue", async () => {
    const text = await readFile(join(repo.dir, Q, "ANALY_AGLT2.yaml"), "utf8");
    await writeFile(
      join(repo.dir, Q, "ANALY_AGLT2_NEW.yaml"),
      text.replace(/^name: .*$/m, "name: ANALY_AGLT2_NEW"),
    );

    const result = await runCli(["diff", "--base", "HEAD", "--format", "json"], repo.dir);

    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.changes.map((c) => [c.kind, c.name, c.action, c.file])).toEqual([
      ["queue", "ANALY_AGLT2_NEW", "added", `${Q}/ANALY_AGLT2_NEW.yaml`],
    ]);
    expect(report.changes[0]!.fields).toContainEqual(
      expect.objectContaining({ path: "name", action: "added", after: "ANALY_AGLT2_NEW" }),
    );
    expect(result.code).toBe(0);
  });
});

describe("siteops diff between two commits", () => {
  let repo: Repo;
  const sha: Record<string, string> = {};
  let expectedAffected: string[] = [];
  let expectedUnaffected: string[] = [];
  const diff = (from: string, to: string, ...more: string[]) =>
    runCli(["diff", "--base", sha[from]!, "--head", sha[to]!, ...more], repo.dir);
  const json = async (from: string, to: string) =>
    JSON.parse((await diff(from, to, "--format", "json")).stdout) as DiffReport;

  beforeAll(async () => {
    repo = await bundledRepoCopy();
    const { dir } = repo;
    sha.start = await git(dir, "rev-parse", "HEAD");
    const site = (await yamlOf(dir, "sites/US/AGLT2/site.yaml")) as { queue_defaults: { corepower: number } };
    const corepower = site.queue_defaults.corepower + 1;
    await edit(dir, "sites/US/AGLT2/site.yaml", /^( {2}corepower: )[\d.]+$/m, `$1${corepower}`);
    for (const name of (await readdir(join(dir, Q))).sort()) {
      const queue = await yamlOf(dir, `${Q}/${name}`);
      (queue.corepower !== undefined ? expectedUnaffected : expectedAffected).push(String(queue.name));
    }
    expectedAffected = expectedAffected.sort();
    expectedUnaffected = expectedUnaffected.sort();
    sha.corepower = await commitAll(dir, "AGLT2: site corepower");
    await git(dir, "mv", `${Q}/AGLT2_TEST.yaml`, "sites/US/MWT2/queues/AGLT2_TEST.yaml");
    await edit(dir, "sites/US/MWT2/queues/AGLT2_TEST.yaml", /^atlas_site: AGLT2$/m, "atlas_site: MWT2");
    sha.moved = await commitAll(dir, "Move AGLT2_TEST to MWT2");
    await edit(dir, `${Q}/AGLT2.yaml`, /^name: AGLT2\ncloud: US$/m, "cloud: US\nname: AGLT2");
    await edit(dir, `${Q}/AGLT2.yaml`, /^state: (\w+)$/m, 'state: "$1"  # unchanged');
    await edit(dir, `${Q}/AGLT2.yaml`, /^description: (.+)$/m, "# a comment\ndescription: '$1'");
    sha.formatting = await commitAll(dir, "Reformat AGLT2");
    await edit(dir, `${Q}/ANALY_AGLT2.yaml`, /^maxrss: 16000$/m, "maxrss: 32000");
    await edit(
      dir,
      `${Q}/AGLT2_MERGE.yaml`,
      /^description: .*$/m,
      'description: "<script>alert(1)</script> & co"',
    );
    sha.values = await commitAll(dir, "Values");
    await edit(dir, `${Q}/AGLT2_MERGE.yaml`, /^maxtime: (\d+)$/m, "maxtime: $1: 48 h");
    await edit(dir, `${Q}/ANALY_AGLT2.yaml`, /^maxtime: \d+$/m, "maxtime: 259200");
    sha.broken = await commitAll(dir, "Broken YAML next to a valid change");
  }, 60_000);
  afterAll(() => repo.cleanup());

  it("reports a queue moved to another site folder as moved, with its previous file", async () => {
    const report = await json("corepower", "moved");

    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({
      kind: "queue",
      name: "AGLT2_TEST",
      site: "MWT2",
      action: "moved",
      file: "sites/US/MWT2/queues/AGLT2_TEST.yaml",
      previousFile: `${Q}/AGLT2_TEST.yaml`,
    });
    expect(report.changes[0]!.fields).toContainEqual(
      expect.objectContaining({ path: "atlas_site", action: "changed", before: "AGLT2", after: "MWT2" }),
    );
  });

  it("lists the queues that inherit a changed site corepower and those that set their own", async () => {
    const report = await json("start", "corepower");

    expect(report.changes.map((c) => [c.kind, c.name, c.action])).toEqual([["site", "AGLT2", "modified"]]);
    const change = report.changes[0]!;
    expect(change.fields.map((f) => f.path)).toEqual(["queue_defaults.corepower"]);
    expect(expectedAffected.length).toBeGreaterThan(0);
    expect(expectedUnaffected).toContain("AGLT2");
    expect(change.affectedQueues).toEqual(expectedAffected);
    expect(change.unaffectedQueues).toEqual(expectedUnaffected);
    for (const impact of change.impact ?? []) expect(expectedAffected).toContain(impact.queue);
  });

  it("finds no change in a formatting-only commit, with or without --exit-code", async () => {
    const plain = await diff("moved", "formatting", "--format", "json");
    const strict = await diff("moved", "formatting", "--exit-code");

    expect((JSON.parse(plain.stdout) as DiffReport).changes).toEqual([]);
    expect(strict.stdout).toContain("No configuration changes");
    expect(plain.code).toBe(0);
    expect(strict.code).toBe(0);
  });

  it("exits 1 with --exit-code when there are changes", async () => {
    const result = await diff("formatting", "values", "--exit-code", "--format", "text");

    expect(result.stdout).toContain("ANALY_AGLT2");
    expect(result.code).toBe(1);
  });

  it("renders the markdown changelog with labels, units and the relative change", async () => {
    const result = await diff("formatting", "values", "--format", "markdown");

    const row = result.stdout.split("\n").find((line) => line.includes("(`maxrss`)"));
    expect(row).toBe("| Maximum memory per slot (`maxrss`) | 16,000 MB | 32,000 MB | +100 % |");
    expect(result.stdout).toContain("#### Queue ANALY_AGLT2 changed");
    expect(result.code).toBe(0);
  });

  it("renders the text changelog", async () => {
    const result = await diff("formatting", "values", "--format", "text");

    expect(result.stdout).toContain("Maximum memory per slot (maxrss): 16,000 MB -> 32,000 MB (+100 %)");
    expect(result.stdout).toContain("Queue ANALY_AGLT2 changed");
    expect(result.code).toBe(0);
  });

  it("escapes values in the HTML changelog so a description cannot inject markup", async () => {
    const result = await diff("formatting", "values", "--format", "html");

    expect(result.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(result.stdout).not.toContain("<script>");
    expect(result.stdout).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    expect(result.code).toBe(0);
  });

  it("warns on stderr about a changed file with broken YAML, naming it, and still reports the rest", async () => {
    const result = await diff("values", "broken", "--format", "json");

    expect(result.stderr).toMatch(
      /^siteops: warning: sites\/US\/AGLT2\/queues\/AGLT2_MERGE\.yaml:\d+:\d+: /m,
    );
    expect(result.stderr).not.toMatch(/internal error|unexpected error/);
    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.changes).toContainEqual(
      expect.objectContaining({ name: "ANALY_AGLT2", action: "modified" }),
    );
    expect(result.code).toBe(0);
  });

  it("does not report a queue whose file no longer parses as removed", async () => {
    const result = await diff("values", "broken", "--format", "json");

    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.changes.map((c) => `${c.name} ${c.action}`)).toEqual(["ANALY_AGLT2 modified"]);
  });

  describe("errors exit 2 with a message", () => {
    it.each([
      ["an unknown --base", ["--base", "nope-ref"], /^siteops: `nope-ref`: no such revision/],
      ["a missing --base", ["--format", "json"], /^siteops: --base is required/],
      ["--format xml", ["--base", "HEAD", "--format", "xml"], /^siteops: --format must be .*`xml`/],
    ])("for %s", async (_what, args, message) => {
      const result = await runCli(["diff", ...args], repo.dir);

      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
    });

    it("says when --root is not a git repository", async () => {
      const plain = await mkdtemp(join(tmpdir(), "siteops-not-git-"));

      const result = await runCli(["diff", "--base", "HEAD", "--root", plain], repo.dir).finally(() =>
        rm(plain, { recursive: true, force: true }),
      );

      expect(result.stderr).toContain(`siteops: ${plain}: is not a git repository`);
      expect(result.code).toBe(2);
    });
  });
});

describe("siteops diff of 2,000 changed queues", () => {
  const SITES = ["AGLT2", "MWT2", "BNL-ATLAS", "NET2"];
  const COUNT = 2000;
  let repo: Repo;
  let base = "";
  let head = "";

  beforeAll(async () => {
    repo = await bundledRepoCopy();
    const doubled = new Map<string, string>();
    for (const [s, site] of SITES.entries()) {
      const folder = join(repo.dir, "sites/US", site, "queues");
      const template = await readFile(join(folder, (await readdir(folder)).sort()[0]!), "utf8");
      for (let i = s; i < COUNT; i += SITES.length) {
        const name = `${site}_GEN${String(i).padStart(4, "0")}`;
        const text = template.replace(/^name: .*$/m, `name: ${name}`);
        await writeFile(join(folder, `${name}.yaml`), text);
        const double = text.replace(/^maxrss: (\d+)$/m, (_, mb: string) => `maxrss: ${2 * Number(mb)}`);
        doubled.set(join(folder, `${name}.yaml`), double);
      }
    }
    base = await commitAll(repo.dir, "2,000 generated queues");
    for (const [path, text] of doubled) await writeFile(path, text);
    head = await commitAll(repo.dir, "Raise maxrss everywhere");
  }, 120_000);
  afterAll(() => repo.cleanup());

  it("keeps the markdown under GitHub's comment limit, cut after a whole change, with a note", async () => {
    const result = await runCli(["diff", "--base", base, "--head", head, "--format", "markdown"], repo.dir);

    const out = result.stdout;
    expect(out.length).toBeLessThanOrEqual(65_536);
    const lines = out.trimEnd().split("\n");
    const note = /^> \*\*Truncated:\*\* showing (\d+) of 2000 changes/.exec(lines.at(-1)!);
    expect(note).not.toBeNull();
    const shown = Number(note![1]);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(COUNT);
    expect(lines.at(-2)).toBe("");
    expect(lines.at(-3)).toBe("</details>");
    expect(lines.filter((line) => line.startsWith("|")).every((line) => line.endsWith("|"))).toBe(true);
    expect(lines.filter((line) => line.startsWith("#### Queue "))).toHaveLength(shown);
    const rows = lines.filter((line) => line.startsWith("| Maximum memory per slot (`maxrss`) |"));
    expect(rows).toHaveLength(shown);
    expect(result.code).toBe(0);
  }, 120_000);

  it("keeps all 2,000 changes in JSON", async () => {
    const result = await runCli(["diff", "--base", base, "--head", head, "--format", "json"], repo.dir);

    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.changes).toHaveLength(COUNT);
    expect(new Set(report.changes.map((c) => c.name)).size).toBe(COUNT);
    expect(report.changes.every((c) => c.action === "modified" && c.fields[0]?.path === "maxrss")).toBe(true);
    expect(result.code).toBe(0);
  }, 120_000);
});
