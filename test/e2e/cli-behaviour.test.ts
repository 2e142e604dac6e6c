import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { CliIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { bundledRepoCopy, type JsonReport, PROJECT_ROOT, runCli } from "../helpers/repo.js";

type Repo = Awaited<ReturnType<typeof bundledRepoCopy>>;

/** Replaces the first match of `find` in a repository file; fails loudly when the text is not there. */
async function edit(root: string, file: string, find: RegExp, replace: string): Promise<void> {
  const text = await readFile(join(root, file), "utf8");
  if (!find.test(text)) throw new Error(`${file}: ${String(find)} not found`);
  await writeFile(join(root, file), text.replace(find, replace));
}

async function put(root: string, file: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), content);
}

const AGLT2 = "sites/US/AGLT2/queues";
const MWT2 = "sites/US/MWT2/queues";
const RAL_SCORE = "sites/UK/RAL-LCG2/queues/RAL-LCG2_SCORE.yaml";
const GOEGRID = "sites/DE/GoeGrid";

interface Broken {
  code: string;
  file: string;
  apply: (root: string) => Promise<void>;
}
const editing = (code: string, file: string, find: RegExp, replace: string): Broken => ({
  code,
  file,
  apply: (root) => edit(root, file, find, replace),
});

/** One distinct problem per file, each of a different code. */
const BROKEN: Broken[] = [
  editing("yaml-syntax", `${AGLT2}/AGLT2_TEST.yaml`, /^maxtime: (\d+)$/m, "maxtime: $1: 48 h"),
  editing("yaml-duplicate-key", `${AGLT2}/AGLT2_MERGE.yaml`, /\n?$/, "\nmaxrss: 1\n"),
  editing("schema-unknown-field", `${AGLT2}/ANALY_AGLT2.yaml`, /^timefloor:/m, "timeflor:"),
  editing("schema-enum", `${MWT2}/MWT2_UCORE.yaml`, /^type: \w+$/m, "type: prod"),
  editing("unknown-ddmendpoint", `${MWT2}/MWT2_TEST.yaml`, /- MWT2_DATADISK$/m, "- MWT2_DATADISC"),
  editing("ce-endpoint-format", `${GOEGRID}/queues/GoeGrid_UCORE.yaml`, /(ce_endpoint: [\w.-]+):\d+$/m, "$1"),
  editing("tier-mismatch", `${GOEGRID}/site.yaml`, /^tier_level: 2$/m, "tier_level: 1"),
  {
    code: "encoding-bom",
    file: RAL_SCORE,
    apply: async (r) => put(r, RAL_SCORE, `\uFEFF${await readFile(join(r, RAL_SCORE), "utf8")}`),
  },
  {
    code: "unsafe-path",
    file: `${AGLT2}/LINKED.yaml`,
    apply: (r) => symlink(join(r, `${AGLT2}/AGLT2.yaml`), join(r, `${AGLT2}/LINKED.yaml`)),
  },
  {
    code: "unexpected-file",
    file: "sites/US/AGLT2/notes.yml",
    apply: (r) => put(r, "sites/US/AGLT2/notes.yml", "a: 1\n"),
  },
];

describe("siteops validate on a tree with many problems", () => {
  let repo: Repo;
  let result: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    repo = await bundledRepoCopy();
    for (const broken of BROKEN) await broken.apply(repo.dir);
    result = await runCli(["validate", "--format", "json"], repo.dir);
  }, 60_000);
  afterAll(() => repo.cleanup());

  it("reports every problem in one run, each in its file, and exits 1", () => {
    const report = JSON.parse(result.stdout) as JsonReport;

    const found = report.problems.map((p) => `${p.code} ${p.file}`).sort();
    expect(found).toEqual(BROKEN.map((b) => `${b.code} ${b.file}`).sort());
    expect(report.problems.every((p) => p.severity === "error")).toBe(true);
    expect(result.code).toBe(1);
    expect(report.valid).toBe(false);
  });

  it("sorts problems by file, then line", () => {
    const report = JSON.parse(result.stdout) as JsonReport;

    const keys = report.problems.map((p) => ({ file: p.file, line: p.line }));
    const sorted = [...keys].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    expect(keys).toEqual(sorted);
    expect(new Set(keys.map((k) => k.file)).size).toBeGreaterThanOrEqual(BROKEN.length);
  });
});

describe("siteops validate --format github", () => {
  const odd = "sites/US/AGLT2/odd,name:50%\n.yml";
  let repo: Repo;
  beforeAll(async () => {
    repo = await bundledRepoCopy();
    await put(repo.dir, odd, "a: 1\n");
    await edit(repo.dir, `${AGLT2}/AGLT2_TEST.yaml`, /(ce_endpoint: [\w.-]+):9619$/m, "$1:2811");
  }, 60_000);
  afterAll(() => repo.cleanup());

  it("prints one workflow command per problem, with properties escaped", async () => {
    const expected = JSON.parse(
      (await runCli(["validate", "--format", "json"], repo.dir)).stdout,
    ) as JsonReport;

    const result = await runCli(["validate", "--format", "github"], repo.dir);

    const data = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
    const property = (s: string) => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
    const lines = result.stdout.trimEnd().split("\n");
    expect(result.code).toBe(1);
    expect(lines).toHaveLength(expected.problems.length + 1);
    expect(lines).toContain(
      `::error file=sites/US/AGLT2/odd%2Cname%3A50%25%0A.yml,line=1,col=1,title=siteops unexpected-file::${data(
        expected.problems.find((p) => p.file === odd)!.message,
      )}`,
    );
    const warning = expected.problems.find((p) => p.code === "ce-port-flavour")!;
    expect(warning.severity).toBe("warning");
    expect(lines).toContain(
      `::warning file=${AGLT2}/AGLT2_TEST.yaml,line=${warning.line},col=${warning.column},title=siteops ce-port-flavour::${data(warning.message)}`,
    );
    expected.problems.forEach((p, i) => {
      const kind = p.severity === "error" ? "error" : "warning";
      expect(lines[i]).toBe(
        `::${kind} file=${property(p.file)},line=${p.line},col=${p.column},title=${property(`siteops ${p.code}`)}::${data(p.message)}`,
      );
    });
  });
});

describe("usage and operational errors", () => {
  let repo: Repo;
  let empty: string;
  beforeAll(async () => {
    repo = await bundledRepoCopy();
    empty = await mkdtemp(join(tmpdir(), "siteops-empty-"));
  }, 60_000);
  afterAll(async () => {
    await repo.cleanup();
    await rm(empty, { recursive: true, force: true });
  });

  it.each([
    { args: ["frobnicate"], says: "frobnicate" },
    { args: ["validate", "--bogus"], says: "--bogus" },
    { args: ["validate", "--format", "xml"], says: "xml" },
    { args: ["new", "queue", "AGLT2_NEW"], says: "--site" },
    { args: ["new", "thing", "X", "--site", "AGLT2"], says: "new queue" },
  ])("siteops $args exits 2 with a message on stderr only", async ({ args, says }) => {
    const result = await runCli(args, repo.dir);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(says);
  });

  it("prints usage and exits 2 without a command, 0 for help", async () => {
    const bare = await runCli([], repo.dir);
    const help = await runCli(["help"], repo.dir);

    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain("Usage:");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("siteops validate");
    expect(help.stdout).toContain("siteops new queue");
  });

  it("names the path when --root is missing or has no sites/", async () => {
    const missing = join(empty, "does-not-exist");

    const gone = await runCli(["validate", "--root", missing], repo.dir);
    const bare = await runCli(["validate", "--root", empty], repo.dir);

    expect(gone.code).toBe(2);
    expect(gone.stdout).toBe("");
    expect(gone.stderr).toContain(missing);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toContain(empty);
    expect(bare.stderr).toContain("sites/");
  });

  it("prints the package version", async () => {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };

    const result = await runCli(["--version"], repo.dir);

    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });
});

describe("siteops.config.yaml", { timeout: 60_000 }, () => {
  it("is validated like any other file", async () => {
    const repo = await bundledRepoCopy();
    try {
      await edit(repo.dir, "siteops.config.yaml", /$/, "\nvalidaton:\n  himem_mb_per_core: 3000\n");

      const result = await runCli(["validate", "--format", "json"], repo.dir);

      const report = JSON.parse(result.stdout) as JsonReport;
      expect(result.code).toBe(1);
      expect(report.problems.filter((p) => p.severity === "error").map((p) => p.file)).toEqual([
        "siteops.config.yaml",
      ]);
      expect(report.problems.find((p) => p.file === "siteops.config.yaml")?.message).toContain("validaton");
    } finally {
      await repo.cleanup();
    }
  });

  it("sets the HIMEM threshold the himem rule applies", async () => {
    const file = `${MWT2}/MWT2_MCORE_HIMEM.yaml`;
    const repo = await bundledRepoCopy();
    try {
      const queue = parse(await readFile(join(repo.dir, file), "utf8")) as {
        maxrss: number;
        corecount: number;
      };
      const perCore = Math.floor(queue.maxrss / queue.corecount);
      const himemAt = async (threshold: number) => {
        await edit(
          repo.dir,
          "siteops.config.yaml",
          /himem_mb_per_core: \d+/,
          `himem_mb_per_core: ${threshold}`,
        );
        const result = await runCli(["validate", "--format", "json"], repo.dir);
        const report = JSON.parse(result.stdout) as JsonReport;
        const flagged = report.problems.some((p) => p.code === "himem-incoherent" && p.file === file);
        return { code: result.code, flagged };
      };

      const below = await himemAt(perCore - 1);
      const at = await himemAt(perCore);

      expect(below.flagged).toBe(false);
      expect(at).toEqual({ code: 1, flagged: true });
    } finally {
      await repo.cleanup();
    }
  });
});

describe("terminal output (in process)", () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await bundledRepoCopy();
  }, 60_000);
  afterAll(() => repo.cleanup());

  async function runIn(argv: string[], options: Partial<CliIo>) {
    const out = { stdout: "", stderr: "" };
    const io: CliIo = {
      stdout: (text) => {
        out.stdout += text;
      },
      stderr: (text) => {
        out.stderr += text;
      },
      env: {},
      cwd: repo.dir,
      stdoutIsTty: false,
      stderrIsTty: false,
      now: () => new Date("2026-01-15T12:00:00Z"),
      ...options,
    };
    const code = await run(argv, io);
    return { code, ...out };
  }

  it("shows progress on a terminal for text output", async () => {
    const result = await runIn(["validate"], { stderrIsTty: true });

    expect(result.code).toBe(0);
    expect(result.stderr).toContain("checking files:");
  });

  it("keeps stderr clean for JSON output, even on a terminal", async () => {
    const result = await runIn(["validate", "--format", "json"], { stderrIsTty: true });

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect((JSON.parse(result.stdout) as JsonReport).valid).toBe(true);
  });

  it("colours text on a terminal unless NO_COLOR is set", async () => {
    const coloured = await runIn(["validate"], { stdoutIsTty: true });
    const plain = await runIn(["validate"], { stdoutIsTty: true, env: { NO_COLOR: "1" } });

    expect(coloured.stdout).toContain("\u001b[");
    expect(plain.stdout).not.toContain("\u001b[");
    expect(plain.stdout).toMatch(/^valid: 12 clouds/m);
  });
});
