// One thread of a `WorkerCheckPool`: reads the files of each batch it is sent, checks each on its
// own (`checkAlone`) and sends back the results, which hold only what the cross-object rules need.
import { parentPort, workerData } from "node:worker_threads";
import type { SchemaSet } from "../core/validate/schema-validator.js";
import type { LocalSettings } from "../core/validate/validate-tree.js";
import { type BatchResult, batchValidator, checkBatch } from "./check-batch.js";

/** The first message to a thread, once the configuration is known. */
export interface WorkerSetup {
  schemas: SchemaSet;
  settings: LocalSettings;
}

export interface WorkerBatch {
  id: number;
  paths: readonly string[];
}

export interface WorkerResults {
  id: number;
  results: BatchResult[];
}

const port = parentPort;
if (port) {
  const { root } = workerData as { root: string };
  let ready: Promise<{ settings: LocalSettings; validator: Awaited<ReturnType<typeof batchValidator>> }>;
  port.on("message", async (message: { setup: WorkerSetup } | WorkerBatch) => {
    if ("setup" in message) {
      const { schemas, settings } = message.setup;
      ready = batchValidator(schemas).then((validator) => ({ settings, validator }));
      return;
    }
    const { settings, validator } = await ready;
    port.postMessage({
      id: message.id,
      results: checkBatch(root, message.paths, settings, validator),
    } satisfies WorkerResults);
  });
}
