import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bundledRepoCopy, git, type JsonReport, runCli } from "../helpers/repo.js";

type Repo = Awaited<ReturnType<typeof bundledRepoCopy>>;
type Yaml = Record<string, unknown>;

async function withRepo(body: (repo: Repo) => Promise<void>): Promise<void> {
  const repo = await bundledRepoCopy();
  try {
    await body(repo);
  } finally {
    await repo.cleanup();
  }
}

async function readYaml(repo: Repo, file: string): Promise<Yaml> {
  return parse(await readFile(join(repo.dir, file), "utf8")) as Yaml;
}

async function validates(repo: Repo): Promise<{ code: number; errors: string[] }> {
  const result = await runCli(["validate", "--format", "json"], repo.dir);
  const report = JSON.parse(result.stdout) as JsonReport;
  return {
    code: result.code,
    errors: report.problems.filter((p) => p.severity === "error").map((p) => p.message),
  };
}

/** Untracked or modified files since the bundled tree was committed. */
const changes = (repo: Repo) => git(repo.dir, "status", "--porcelain", "--untracked-files=all");

describe("siteops new queue (fresh)", { timeout: 60_000 }, () => {
  it("writes a queue that inherits corepower from its site, and the tree still validates", async () => {
    await withRepo(async (repo) => {
      const site = await readYaml(repo, "sites/US/AGLT2/site.yaml");
      expect((site.queue_defaults as Yaml | undefined)?.corepower).toBeTypeOf("number");

      const result = await runCli(["new", "queue", "AGLT2_NEWQ", "--site", "AGLT2"], repo.dir);

      const file = "sites/US/AGLT2/queues/AGLT2_NEWQ.yaml";
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(file);
      expect((await changes(repo)).trim()).toBe(`?? ${file}`);
      const queue = await readYaml(repo, file);
      expect(queue).toMatchObject({ name: "AGLT2_NEWQ", cloud: "US", atlas_site: "AGLT2" });
      expect(queue).not.toHaveProperty("corepower");
      expect(await validates(repo)).toEqual({ code: 0, errors: [] });
    });
  });

  it("needs --corepower at a site without queue_defaults.corepower", async () => {
    await withRepo(async (repo) => {
      const site = await readYaml(repo, "sites/DE/GoeGrid/site.yaml");
      expect((site.queue_defaults as Yaml | undefined)?.corepower).toBeUndefined();
      const file = "sites/DE/GoeGrid/queues/GoeGrid_NEWQ.yaml";

      const refused = await runCli(["new", "queue", "GoeGrid_NEWQ", "--site", "GoeGrid"], repo.dir);

      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("corepower");
      expect(await changes(repo)).toBe("");

      const created = await runCli(
        ["new", "queue", "GoeGrid_NEWQ", "--site", "GoeGrid", "--corepower", "11.5"],
        repo.dir,
      );

      expect(created.code).toBe(0);
      expect((await readYaml(repo, file)).corepower).toBe(11.5);
      expect(await readFile(join(repo.dir, file), "utf8")).toMatch(/^corepower: 11\.5$/m);
      expect(await validates(repo)).toEqual({ code: 0, errors: [] });
    });
  });
});

describe("siteops new queue --from (clone)", { timeout: 60_000 }, () => {
  const source = "sites/US/AGLT2/queues/AGLT2.yaml";

  it("within a site keeps the source's fields and comments, and replaces its header", async () => {
    await withRepo(async (repo) => {
      const text = await readFile(join(repo.dir, source), "utf8");
      await writeFile(
        join(repo.dir, source),
        text.replace(/^maxrss: (\d+)$/m, "# sized for 6 GB per core\nmaxrss: $1"),
      );
      const original = await readYaml(repo, source);
      expect(original.is_default).toBe(true);

      const result = await runCli(
        ["new", "queue", "AGLT2_CLONE", "--site", "AGLT2", "--from", "AGLT2"],
        repo.dir,
      );

      const file = "sites/US/AGLT2/queues/AGLT2_CLONE.yaml";
      expect(result.code).toBe(0);
      const clone = await readYaml(repo, file);
      expect(clone).toEqual({ ...original, name: "AGLT2_CLONE", is_default: false });
      expect(clone.queues).toEqual(original.queues);
      expect((clone.queues as unknown[]).length).toBeGreaterThan(0);
      const cloneText = await readFile(join(repo.dir, file), "utf8");
      expect(cloneText).toMatch(/^# sized for 6 GB per core\nmaxrss: \d+$/m);
      expect(cloneText.split("\n")[0]).toBe(
        `# PanDA queue AGLT2_CLONE: cloned from AGLT2 on ${new Date().toISOString().slice(0, 10)}.`,
      );
      expect(cloneText).not.toContain(text.match(/^#.*$/m)![0]);
      expect(await validates(repo)).toEqual({ code: 0, errors: [] });
    });
  });

  it("across sites drops CEs and parent and retargets the endpoints", async () => {
    await withRepo(async (repo) => {
      const original = await readYaml(repo, source);
      const mwt2 = await readYaml(repo, "sites/US/MWT2/site.yaml");
      const declared = new Set((mwt2.ddmendpoints as { name: string }[]).map((d) => d.name));
      expect(original.parent).toBeTypeOf("string");

      const result = await runCli(
        ["new", "queue", "MWT2_FROM_AGLT2", "--site", "MWT2", "--from", "AGLT2"],
        repo.dir,
      );

      expect(result.code).toBe(0);
      const clone = await readYaml(repo, "sites/US/MWT2/queues/MWT2_FROM_AGLT2.yaml");
      expect(clone).toMatchObject({
        name: "MWT2_FROM_AGLT2",
        cloud: "US",
        atlas_site: "MWT2",
        panda_site: "MWT2",
        queues: [],
        maxrss: original.maxrss,
        corecount: original.corecount,
      });
      expect(clone).not.toHaveProperty("parent");
      const expected = Object.fromEntries(
        Object.entries(original.astorages as Record<string, string[]>)
          .map(([activity, list]) => [
            activity,
            list.map((rse) => rse.replace(/^AGLT2_/, "MWT2_")).filter((rse) => declared.has(rse)),
          ])
          .filter(([, list]) => list!.length > 0),
      );
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(clone.astorages).toEqual(expected);
      expect(JSON.stringify(clone)).not.toContain("AGLT2_");
      expect(await validates(repo)).toEqual({ code: 0, errors: [] });
    });
  });
});

describe("siteops new queue refusals", { timeout: 60_000 }, () => {
  it.each([
    { why: "an existing name", args: ["AGLT2_TEST", "--site", "AGLT2"], says: "already used" },
    { why: "a name differing only in case", args: ["aglt2_test", "--site", "AGLT2"], says: "already used" },
    { why: "an unknown site", args: ["AGLT3_NEW", "--site", "AGLT3"], says: "Did you mean `AGLT2`" },
    {
      why: "an unknown --from queue",
      args: ["AGLT2_NEW", "--site", "AGLT2", "--from", "NO_SUCH_QUEUE"],
      says: "NO_SUCH_QUEUE",
    },
    { why: "an invalid name", args: ["bad/name", "--site", "AGLT2"], says: "bad/name" },
    {
      why: "a negative corepower",
      args: ["GoeGrid_NEW", "--site", "GoeGrid", "--corepower", "-1"],
      says: "--corepower",
    },
    {
      why: "a negative corepower (=)",
      args: ["GoeGrid_NEW", "--site", "GoeGrid", "--corepower=-1"],
      says: "between 0 and 100",
    },
  ])("refuses $why and writes nothing", async ({ args, says }) => {
    await withRepo(async (repo) => {
      const result = await runCli(["new", "queue", ...args], repo.dir);

      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(says);
      expect(await changes(repo)).toBe("");
    });
  });

  it("explains `--corepower -1` in sentences that end with one full stop", async () => {
    await withRepo(async (repo) => {
      const args = ["new", "queue", "GoeGrid_NEW", "--site", "GoeGrid", "--corepower", "-1"];

      const result = await runCli(args, repo.dir);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--corepower=-");
      expect(result.stderr).not.toMatch(/\.\.$/m);
    });
  });
});
