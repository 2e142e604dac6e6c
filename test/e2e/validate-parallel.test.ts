import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyExample, copyRepository } from "../../src/adapters/example-tree.js";
import { FsConfigSource } from "../../src/adapters/fs-source.js";
import { FsSchemaSource } from "../../src/adapters/schemas-fs.js";
import { WorkerCheckPool } from "../../src/adapters/worker-pool.js";
import { checkRepository, validateRepository } from "../../src/app/validate.js";
import { PROBLEM_CODES, type ProblemExample } from "../../src/core/validate/catalogue.js";
import { PROJECT_ROOT } from "../helpers/repo.js";

/** The worker compiled by `npm run build`: worker threads cannot start from the TypeScript sources. */
const WORKER = new URL(`file://${join(PROJECT_ROOT, "dist", "adapters", "validate-worker.js")}`);
const EXAMPLE_QUEUE = "sites/US/AGLT2/queues/AGLT2_EXAMPLE.yaml";
const schemas = new FsSchemaSource();

/** The report of the single-threaded validation and of the pool, in the shape both return. */
async function bothWays(root: string, pool: WorkerCheckPool) {
  const source = new FsConfigSource(root);
  const single = await validateRepository({ source, schemas });
  const check = vi.spyOn(pool, "check");
  let last = 0;
  let total = 0;
  const parallel = await checkRepository({
    source,
    schemas,
    pool,
    onProgress: (done, of) => {
      last = done;
      total = of;
    },
  });
  expect(check).toHaveBeenCalledOnce();
  const shape = (r: typeof parallel) => ({ valid: r.valid, counts: r.counts, problems: r.problems });
  return { single: shape(single), parallel: shape(parallel), progress: { last, total } };
}

function touched(example: ProblemExample): string[] {
  return [
    ...Object.keys(example.write ?? {}),
    ...(example.edit ?? []).map((e) => e.file),
    ...(example.symlink ? [example.symlink.path] : []),
    ...(example.remove ? [example.remove] : []),
  ];
}

/**
 * Breaks a copy of the bundled tree every documented way at once: examples that only write the
 * example queue get a file of their own (whose name then also clashes with the others), the rest
 * are applied when they touch no file an earlier one touched.
 */
async function applyAllExamples(root: string): Promise<number> {
  const used = new Set<string>();
  let applied = 0;
  for (const [index, info] of PROBLEM_CODES.entries()) {
    const example = info.example;
    if (!example) continue;
    const paths = touched(example);
    if (paths.length === 1 && paths[0] === EXAMPLE_QUEUE && example.write) {
      const path = EXAMPLE_QUEUE.replace(".yaml", `_${index}.yaml`);
      await writeFile(
        join(root, path),
        Buffer.from(example.write[EXAMPLE_QUEUE]!, example.latin1 ? "latin1" : "utf8"),
      );
      applied++;
    } else if (!paths.some((p) => used.has(p))) {
      await applyExample(root, example);
      for (const p of paths) used.add(p);
      applied++;
    }
  }
  return applied;
}

/** Adds `copies` renamed copies of every queue, so the tree passes the pool's size threshold. */
async function growQueues(root: string, copies: number): Promise<void> {
  const sites = join(root, "sites");
  for (const cloud of await readdir(sites, { withFileTypes: true })) {
    if (!cloud.isDirectory()) continue;
    for (const site of await readdir(join(sites, cloud.name), { withFileTypes: true })) {
      const queues = join(sites, cloud.name, site.name, "queues");
      if (!site.isDirectory()) continue;
      const files = await readdir(queues).catch(() => [] as string[]);
      for (const file of files) {
        const name = file.replace(/\.yaml$/, "");
        const text = await readFile(join(queues, file), "utf8").catch(() => undefined);
        if (text === undefined || !text.includes(`\nname: ${name}\n`)) continue;
        for (let n = 1; n <= copies; n++) {
          const copy = join(queues, `${name}_COPY${n}.yaml`);
          await writeFile(copy, text.replace(`\nname: ${name}\n`, `\nname: ${name}_COPY${n}\n`));
        }
      }
    }
  }
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => !e.isDirectory()).length;
}

describe("validation in worker threads", () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await readFile(WORKER).catch(() => {
      throw new Error(`${WORKER.pathname} is missing: run \`npm run build\` first.`);
    });
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("reports what the single-threaded validation reports on a large tree with every documented problem", async () => {
    const dir = await copyRepository(PROJECT_ROOT);
    dirs.push(dir);
    await growQueues(dir, 2);
    expect(await applyAllExamples(dir)).toBeGreaterThan(20);
    const files = await countFiles(join(dir, "sites"));
    expect((await new FsConfigSource(dir).listSites()).paths).toHaveLength(files - 1); // one is a link
    const pool = new WorkerCheckPool(dir, { worker: WORKER, threads: 2 });
    expect(pool.accepts(files)).toBe(true);

    const { single, parallel, progress } = await bothWays(dir, pool);

    expect(single.problems.length).toBeGreaterThan(50);
    expect(new Set(single.problems.map((p) => p.code)).size).toBeGreaterThan(25);
    expect(single.problems.some((p) => p.code === "duplicate-name")).toBe(true);
    expect(parallel).toEqual(single);
    expect(progress.last).toBe(progress.total);
    expect(progress.total).toBeGreaterThan(500);
  });

  it("reports what the single-threaded validation reports with more threads than batches", async () => {
    const dir = await copyRepository(PROJECT_ROOT);
    dirs.push(dir);
    for (const cloud of await readdir(join(dir, "sites"))) {
      if (cloud !== "CA") await rm(join(dir, "sites", cloud), { recursive: true });
    }

    const { single, parallel } = await bothWays(
      dir,
      new WorkerCheckPool(dir, { worker: WORKER, minFiles: 0, threads: 3 }),
    );

    expect(single.counts.queues).toBeGreaterThan(0);
    expect(single.counts.queues + single.counts.sites).toBeLessThan(16);
    expect(parallel).toEqual(single);
  });

  it("leaves small trees, and code running from its TypeScript sources, to the single thread", () => {
    expect(new WorkerCheckPool(".", { worker: WORKER }).accepts(100)).toBe(false);
    expect(new WorkerCheckPool(".", { worker: WORKER, threads: 1 }).accepts(10_000)).toBe(false);
    expect(new WorkerCheckPool(".").accepts(10_000)).toBe(false);
  });
});
