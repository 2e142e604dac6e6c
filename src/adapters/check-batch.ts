import type { Problem } from "../core/model.js";
import {
  createSchemaValidator,
  type SchemaSet,
  type SchemaValidator,
} from "../core/validate/schema-validator.js";
import { checkAlone, type LocalCheck, type LocalSettings } from "../core/validate/validate-tree.js";
import { readTreeFileSync } from "./fs-source.js";
import { FsSchemaSource } from "./schemas-fs.js";

export type BatchResult = { check: LocalCheck } | { problem: Problem };

/** The shipped schema source, answering with given schemas (those the pool was started with). */
class GivenSchemas extends FsSchemaSource {
  constructor(private readonly given: SchemaSet) {
    super();
  }

  override readSchemas(): Promise<SchemaSet> {
    return Promise.resolve(this.given);
  }
}

/** A validator for `schemas`: the build's precompiled one when it was compiled from them. */
export async function batchValidator(schemas: SchemaSet): Promise<SchemaValidator> {
  return createSchemaValidator(schemas, await new GivenSchemas(schemas).readPrecompiled());
}

/** Where a thread reads its files: nearly all fit, and a file's bytes are not kept after its check. */
const scratch = new Uint8Array(64 * 1024);

/** Reads and checks files of the tree at `root` one after another, each on its own. */
export function checkBatch(
  root: string,
  paths: readonly string[],
  settings: LocalSettings,
  validator: SchemaValidator,
): BatchResult[] {
  return paths.map((path) => {
    const read = readTreeFileSync(root, path, scratch);
    return "problem" in read ? read : { check: checkAlone(read.file, settings, validator) };
  });
}
