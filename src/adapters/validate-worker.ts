// One thread of a `WorkerCheckPool`: reads the files of each batch it is sent, checks each on its
// own (`checkAlone`) and sends back the results, which hold only what the cross-object rules need.
import { parentPort, workerData } from "node:worker_threads";
import type { Problem } from "../core/model.js";
import { createSchemaValidator, type SchemaSet } from "../core/validate/schema-validator.js";
import { checkAlone, type LocalCheck, type LocalSettings } from "../core/validate/validate-tree.js";
import { readTreeFileSync } from "./fs-source.js";
import { FsSchemaSource } from "./schemas-fs.js";

export interface WorkerSetup {
  root: string;
  schemas: SchemaSet;
  settings: LocalSettings;
}

export interface WorkerBatch {
  id: number;
  paths: readonly string[];
}

export interface WorkerResults {
  id: number;
  results: ({ check: LocalCheck } | { problem: Problem })[];
}

/** The shipped schema source, answering with the schemas the pool was given. */
class GivenSchemas extends FsSchemaSource {
  constructor(private readonly given: SchemaSet) {
    super();
  }

  override readSchemas(): Promise<SchemaSet> {
    return Promise.resolve(this.given);
  }
}

const port = parentPort;
if (port) {
  const setup = workerData as WorkerSetup;
  const validator = createSchemaValidator(
    setup.schemas,
    await new GivenSchemas(setup.schemas).readPrecompiled(),
  );
  port.on("message", ({ id, paths }: WorkerBatch) => {
    const results = paths.map((path) => {
      const read = readTreeFileSync(setup.root, path);
      return "problem" in read ? read : { check: checkAlone(read.file, setup.settings, validator) };
    });
    port.postMessage({ id, results } satisfies WorkerResults);
  });
}
