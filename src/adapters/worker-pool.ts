import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Problem, SourceFile } from "../core/model.js";
import type { FileCheckPool } from "../core/ports.js";
import type { SchemaSet } from "../core/validate/schema-validator.js";
import type { LocalCheck, LocalSettings } from "../core/validate/validate-tree.js";
import { readTreeFileSync } from "./fs-source.js";
import type { WorkerBatch, WorkerResults, WorkerSetup } from "./validate-worker.js";

/** Below this many files, starting threads costs more than the second core saves. */
const MIN_FILES = 500;
/** Files per message: few messages, yet small enough to keep every thread busy to the end. */
const BATCH = 128;

/**
 * The compiled worker module beside this one: `dist/adapters/` for tsc's output, one folder up
 * from the chunks of `dist/bundle/`. Running from `src/` (tests) there is none.
 */
function findWorker(): URL | undefined {
  for (const candidate of ["./validate-worker.js", "../validate-worker.js"]) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/**
 * Checks the files of a tree on disk in worker threads, one per core: each thread reads its files
 * itself and sends back problems and the few fields the cross-object rules read.
 */
export class WorkerCheckPool implements FileCheckPool {
  private readonly root: string;
  private readonly minFiles: number;
  private readonly threads: number;
  private readonly worker: URL | undefined;

  constructor(root: string, options: { minFiles?: number; threads?: number; worker?: URL } = {}) {
    this.root = resolve(root);
    this.minFiles = options.minFiles ?? MIN_FILES;
    this.threads = options.threads ?? availableParallelism();
    this.worker = options.worker ?? findWorker();
  }

  accepts(fileCount: number): boolean {
    return this.worker !== undefined && this.threads > 1 && fileCount >= this.minFiles;
  }

  reread(path: string): SourceFile | undefined {
    const read = readTreeFileSync(this.root, path);
    return "file" in read ? read.file : undefined;
  }

  check(
    paths: readonly string[],
    setup: { schemas: SchemaSet; settings: LocalSettings },
    onProgress?: (done: number, total: number) => void,
  ): Promise<({ check: LocalCheck } | { problem: Problem })[]> {
    const url = this.worker;
    if (!url) return Promise.reject(new Error("no compiled validate-worker.js to start"));
    const workerData: WorkerSetup = { root: this.root, ...setup };
    const batches: string[][] = [];
    for (let i = 0; i < paths.length; i += BATCH) batches.push(paths.slice(i, i + BATCH));
    const results: WorkerResults["results"][] = new Array(batches.length);
    const workers: Worker[] = [];
    return new Promise((resolvePromise, reject) => {
      let next = 0;
      let finished = 0;
      let done = 0;
      let failed = false;
      const stop = () => {
        for (const worker of workers) void worker.terminate();
      };
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        stop();
        reject(error);
      };
      const send = (worker: Worker) => {
        if (next >= batches.length) return;
        const batch: WorkerBatch = { id: next, paths: batches[next]! };
        next++;
        worker.postMessage(batch);
      };
      const count = Math.min(this.threads, batches.length);
      for (let i = 0; i < count; i++) {
        const worker = new Worker(url, { workerData });
        workers.push(worker);
        worker.on("message", ({ id, results: batch }: WorkerResults) => {
          results[id] = batch;
          send(worker);
          if (onProgress) for (let k = 0; k < batch.length; k++) onProgress(++done, paths.length);
          if (++finished === batches.length) {
            stop();
            resolvePromise(results.flat());
          }
        });
        worker.on("error", fail);
        worker.on("exit", (code) => {
          if (finished < batches.length) fail(new Error(`a validation thread stopped (exit code ${code})`));
        });
        // Two batches each, so a thread never waits for its next one.
        send(worker);
        send(worker);
      }
      if (batches.length === 0) resolvePromise([]);
    });
  }
}
