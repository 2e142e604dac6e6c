import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { SourceFile } from "../core/model.js";
import type { FileCheckPool } from "../core/ports.js";
import type { BatchResult } from "./check-batch.js";
import { readTreeFileSync } from "./fs-source.js";
import type { WorkerBatch, WorkerResults, WorkerSetup } from "./validate-worker.js";

/** Below this many files, starting threads costs more than the second core saves. */
const MIN_FILES = 500;
/**
 * Files per message: a share of what is left (few messages while much is left, small ones at the
 * end, so the threads finish together), within these bounds.
 */
const BATCH = { min: 16, max: 256, share: 4 };
/**
 * Young generation of each thread's heap, in MB: nearly everything a thread allocates dies with
 * its file, so a small one keeps memory low without more time in the collector.
 */
const YOUNG_GENERATION_MB = 8;

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

export interface PoolOptions {
  /** Trees with fewer files are left to the caller's thread. */
  minFiles?: number;
  /** Threads checking files; default: one per core. */
  threads?: number;
  /** Young-generation size of each worker's heap, in MB. */
  youngGenerationMb?: number;
  /** The compiled worker module (found beside this module by default). */
  worker?: URL;
}

/** A started thread and how it ended, if it did. */
interface Thread {
  worker: Worker;
  failure?: Error;
}

/**
 * Checks the files of a tree on disk in worker threads, one per core: each thread reads its files
 * itself and sends back problems and the few fields the cross-object rules read.
 */
export class WorkerCheckPool implements FileCheckPool {
  private readonly root: string;
  private readonly minFiles: number;
  private readonly threads: number;
  private readonly youngGenerationMb: number;
  private readonly worker: URL | undefined;
  private started: Thread[] | undefined;

  constructor(root: string, options: PoolOptions = {}) {
    this.root = resolve(root);
    this.minFiles = options.minFiles ?? MIN_FILES;
    this.threads = options.threads ?? availableParallelism();
    this.youngGenerationMb = options.youngGenerationMb ?? YOUNG_GENERATION_MB;
    this.worker = options.worker ?? findWorker();
  }

  accepts(fileCount: number): boolean {
    return this.worker !== undefined && this.threads > 1 && fileCount >= this.minFiles;
  }

  start(setup: WorkerSetup): void {
    if (this.started || !this.worker) return;
    const resourceLimits = { maxYoungGenerationSizeMb: this.youngGenerationMb };
    const count = this.threads;
    this.started = [];
    for (let i = 0; i < count; i++) {
      const thread: Thread = {
        worker: new Worker(this.worker, { workerData: { root: this.root }, resourceLimits }),
      };
      thread.worker.on("error", (error) => {
        thread.failure ??= error;
      });
      thread.worker.on("exit", (code) => {
        thread.failure ??= new Error(`a validation thread stopped (exit code ${code})`);
      });
      // The thread makes its validator while the caller still lists the files.
      thread.worker.postMessage({ setup });
      this.started.push(thread);
    }
  }

  close(): void {
    for (const { worker } of this.started ?? []) void worker.terminate();
    this.started = undefined;
  }

  reread(path: string): SourceFile | undefined {
    const read = readTreeFileSync(this.root, path);
    return "file" in read ? read.file : undefined;
  }

  async check(
    paths: readonly string[],
    setup: WorkerSetup,
    onProgress?: (done: number, total: number) => void,
  ): Promise<BatchResult[]> {
    if (!this.worker) throw new Error("no compiled validate-worker.js to start");
    if (paths.length === 0) {
      this.close();
      return [];
    }
    this.start(setup);
    const threads = this.started ?? [];
    const batches: string[][] = [];
    for (let i = 0; i < paths.length; ) {
      const left = paths.length - i;
      const size = Math.max(BATCH.min, Math.min(BATCH.max, Math.ceil(left / (threads.length * BATCH.share))));
      batches.push(paths.slice(i, i + size));
      i += size;
    }
    const results: BatchResult[][] = new Array(batches.length);
    let next = 0;
    let finished = 0;
    let done = 0;
    let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const allDone = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const record = (id: number, batch: BatchResult[]) => {
      results[id] = batch;
      if (onProgress) for (let k = 0; k < batch.length; k++) onProgress(++done, paths.length);
      if (++finished === batches.length) settle?.resolve();
    };
    const send = (worker: Worker) => {
      if (next >= batches.length) return;
      worker.postMessage({ id: next, paths: batches[next++]! } satisfies WorkerBatch);
    };
    for (const thread of threads) {
      if (thread.failure) settle?.reject(thread.failure);
      const { worker } = thread;
      worker.on("message", ({ id, results: batch }: WorkerResults) => {
        send(worker);
        record(id, batch);
      });
      worker.on("error", (error) => settle?.reject(error));
      worker.on("exit", (code) => {
        if (finished < batches.length)
          settle?.reject(thread.failure ?? new Error(`a validation thread stopped (exit code ${code})`));
      });
      // Two batches each, so a thread never waits for its next one.
      send(worker);
      send(worker);
    }
    try {
      await allDone;
      return results.flat();
    } finally {
      this.close();
    }
  }
}
