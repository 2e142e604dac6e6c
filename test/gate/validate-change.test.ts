import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitRevisionReader } from "../../src/adapters/git-reader.js";
import { FsSchemaSource } from "../../src/adapters/schemas-fs.js";
import { diffResolved } from "../../src/app/diff.js";
import { RevisionConfigSource } from "../../src/app/revision-source.js";
import { validateRepository } from "../../src/app/validate.js";
import { validateChange } from "../../src/app/validate-change.js";
import { diffRevisions } from "../../src/core/diff/diff-trees.js";
import { bundledRepoCopy, git } from "../helpers/repo.js";

// A pull request is validated and diffed from what it changed plus what that can affect; this
// compares both with the slow paths (a full validation, a diff of every file of both trees) on real
// commits, for changes whose effects reach files the pull request did not touch.

type Edit = (dir: string) => Promise<void>;

const edit =
  (path: string, change: (text: string) => string): Edit =>
  async (dir) => {
    const file = join(dir, path);
    const before = await readFile(file, "utf8");
    const after = change(before);
    if (after === before) throw new Error(`scenario edit did not change ${path}`);
    await writeFile(file, after);
  };
const remove =
  (path: string): Edit =>
  (dir) =>
    rm(join(dir, path));
const add =
  (path: string, text: string): Edit =>
  async (dir) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  };
const copy =
  (from: string, to: string, change: (text: string) => string): Edit =>
  async (dir) => {
    await mkdir(dirname(join(dir, to)), { recursive: true });
    await writeFile(join(dir, to), change(await readFile(join(dir, from), "utf8")));
  };
const move =
  (from: string, to: string): Edit =>
  async (dir) => {
    await mkdir(dirname(join(dir, to)), { recursive: true });
    await rename(join(dir, from), join(dir, to));
  };

const AGLT2 = "sites/US/AGLT2";
const CERN = "sites/CERN/CERN-PROD";

/** name, edits, and codes the full validation must report (so the comparison is not vacuous). */
const SCENARIOS: [string, Edit[], string[]][] = [
  [
    "a walltime change",
    [edit(`${AGLT2}/queues/AGLT2.yaml`, (t) => t.replace(/^maxtime: .*$/m, "maxtime: 172800"))],
    [],
  ],
  [
    "a schema error",
    [edit(`${AGLT2}/queues/AGLT2.yaml`, (t) => t.replace(/^maxrss: .*$/m, "maxrss: lots"))],
    ["schema-type"],
  ],
  [
    "a removed parent with children elsewhere",
    [remove(`${CERN}/queues/CERN-PROD_VIRTUAL.yaml`)],
    ["unknown-parent"],
  ],
  [
    "a parent that is no longer virtual",
    [
      edit(`${CERN}/queues/CERN-PROD_VIRTUAL.yaml`, (t) =>
        t.replace("is_virtual: true", "is_virtual: false"),
      ),
    ],
    ["parent-not-virtual"],
  ],
  [
    "a removed DDM endpoint that unchanged queues use",
    [edit(`${CERN}/site.yaml`, (t) => t.replace(/name: CERN-PROD_DATADISK/, "name: CERN-PROD_DATADISK2"))],
    ["unknown-ddmendpoint"],
  ],
  [
    "a typo in an endpoint name (suggestion from all sites)",
    [
      edit(`${CERN}/queues/CERN-PROD_UCORE.yaml`, (t) =>
        t.replace("- CERN-PROD_DATATAPE", "- CERN-PROD_DATATAP"),
      ),
    ],
    ["unknown-ddmendpoint"],
  ],
  [
    "a typo in a parent name (suggestion from all queues)",
    [
      edit(`${CERN}/queues/CERN.yaml`, (t) =>
        t.replace("parent: CERN-PROD_VIRTUAL", "parent: CERN-PROD_VIRTUL"),
      ),
    ],
    ["unknown-parent"],
  ],
  [
    "a queue name that differs from another only in case, in another site",
    [
      copy(`${AGLT2}/queues/AGLT2_TEST.yaml`, "sites/US/MWT2/queues/aglt2_test.yaml", (t) =>
        t.replace(/^name: .*$/m, "name: aglt2_test").replace(/^atlas_site: .*$/m, "atlas_site: MWT2"),
      ),
    ],
    ["duplicate-name"],
  ],
  [
    "a new site whose name differs from another only in case",
    [
      copy("sites/US/MWT2/site.yaml", "sites/US/mwt2/site.yaml", (t) =>
        t.replace(/^name: .*$/m, "name: mwt2").replace(/^ddmendpoints:[\s\S]*$/m, ""),
      ),
    ],
    ["duplicate-name"],
  ],
  [
    "a DDM endpoint declared by a second site",
    [
      edit("sites/US/MWT2/site.yaml", (t) =>
        t.replace(
          "ddmendpoints:\n",
          "ddmendpoints:\n  - name: AGLT2_DATADISK\n    token: DATADISK\n    type: DATADISK\n    is_tape: false\n    state: ACTIVE\n",
        ),
      ),
    ],
    ["duplicate-name"],
  ],
  [
    "a site default removed that queues relied on",
    [edit(`${AGLT2}/site.yaml`, (t) => t.replace(/queue_defaults:\n {2}corepower: .*\n/, ""))],
    ["corepower-undefined"],
  ],
  ["a retired queue that no queue names", [remove(`${AGLT2}/queues/AGLT2_TEST.yaml`)], []],
  ["a site file deleted", [remove(`${AGLT2}/site.yaml`)], ["missing-site-file"]],
  ["an unexpected file", [add(`${AGLT2}/notes.yml`, "a: 1\n")], ["unexpected-file"]],
  [
    "a queue moved to another site's folder",
    [move(`${AGLT2}/queues/AGLT2_TEST.yaml`, "sites/US/MWT2/queues/AGLT2_TEST.yaml")],
    ["folder-mismatch"],
  ],
  [
    "a queue renamed inside its file only, while others name it parent",
    [edit(`${CERN}/queues/CERN-PROD_VIRTUAL.yaml`, (t) => t.replace(/^name: .*$/m, "name: CERN-PROD_VIRT"))],
    ["queue-name-mismatch", "unknown-parent"],
  ],
  [
    "several changes at once, one of them a YAML syntax error",
    [
      edit(`${AGLT2}/queues/ANALY_AGLT2.yaml`, (t) => `${t}\n  bad: [indent\n`),
      remove(`${CERN}/queues/CERN-PROD_VIRTUAL.yaml`),
      edit("sites/US/MWT2/site.yaml", (t) => t.replace(/^tier_level: 2$/m, "tier_level: 1")),
    ],
    ["unknown-parent", "tier-mismatch"],
  ],
];

describe("judging a pull request from what it changed", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let reader: GitRevisionReader;
  const schemas = new FsSchemaSource();

  beforeAll(async () => {
    ({ dir, cleanup } = await bundledRepoCopy());
    reader = new GitRevisionReader(dir);
  });
  afterAll(async () => {
    await reader.close();
    await cleanup();
  });

  async function commitScenario(name: string, edits: Edit[]): Promise<{ base: string; head: string }> {
    await git(dir, "checkout", "-q", "-B", "scenario", "main");
    for (const apply of edits) await apply(dir);
    await git(dir, "add", "-A");
    await git(dir, "-c", "user.name=t", "-c", "user.email=t@siteops.invalid", "commit", "-qm", name);
    return { base: await reader.resolve("main"), head: await reader.resolve("scenario") };
  }

  it.each(SCENARIOS)("%s: the same problems as a full validation", async (name, edits, codes) => {
    const { base, head } = await commitScenario(name, edits);
    const full = await validateRepository({ source: new RevisionConfigSource(reader, head), schemas });
    const scoped = await validateChange({ reader, schemas, base, head });
    expect(scoped.mode).toBe("scoped");
    expect(scoped.report.problems).toEqual(full.problems);
    const found = new Set(full.problems.map((p) => p.code));
    for (const code of codes) expect(found, `${name}: expected ${code}`).toContain(code);
    if (codes.length === 0) expect(full.problems).toEqual([]);
    // It read a part of the tree, not all of it (the suggestion cases read every site file).
    const total = full.counts.clouds + full.counts.sites + full.counts.queues;
    expect(scoped.read).toBeLessThan(total);
  });

  // Objects are matched by name: a tree that uses a name twice has no single right diff.
  const matchable = SCENARIOS.filter(([, , codes]) => !codes.includes("duplicate-name"));

  it.each(matchable)("%s: the same changes as a diff of every file", async (name, edits) => {
    const { base, head } = await commitScenario(name, edits);
    const fast = await diffResolved(reader, await schemas.readSchemas(), base, head);
    const whole = async (revision: string) =>
      reader.readFiles(revision, await reader.listFiles(revision, "sites/"));
    const slow = diffRevisions({
      base: { id: base, files: await whole(base) },
      head: { id: head, files: await whole(head) },
      schemas: await schemas.readSchemas(),
      himemMbPerCore: fast.config.himemMbPerCore,
    });
    expect(fast.report.changes).toEqual(slow.changes);
    expect(fast.problems).toEqual(slow.problems);
  });

  it("does not search the tree for a retired queue that was not virtual (nothing may name it)", async () => {
    const { base, head } = await commitScenario("retire", [remove(`${AGLT2}/queues/AGLT2_TEST.yaml`)]);
    const searched: string[][] = [];
    const watched = Object.assign(Object.create(reader) as GitRevisionReader, {
      grep: (revision: string, needles: readonly string[], prefix: string) => {
        searched.push([...needles]);
        return reader.grep(revision, needles, prefix);
      },
    });

    const scoped = await validateChange({ reader: watched, schemas, base, head });

    expect(scoped.report.valid).toBe(true);
    expect(searched.flat()).toEqual([]);
    const retiredParent = await commitScenario("retire parent", [
      remove(`${AGLT2}/queues/GreatLakesT2_VIRTUAL.yaml`),
    ]);
    await validateChange({ reader: watched, schemas, ...retiredParent });
    expect(searched.flat()).toContain("GreatLakesT2_VIRTUAL");
  });

  it("validates the whole tree when the configuration changes", async () => {
    const { base, head } = await commitScenario("config", [
      edit("siteops.config.yaml", (t) => `${t}\n# reviewed\n`),
    ]);
    const scoped = await validateChange({ reader, schemas, base, head });
    expect(scoped.mode).toBe("full");
    expect(scoped.report.valid).toBe(true);
  });
});
