import type { ConfigSource, SchemaSource } from "../core/ports.js";
import { createSchemaValidator } from "../core/validate/schema-validator.js";
import { type TreeReport, validateTree } from "../core/validate/validate-tree.js";

export interface ValidateOptions {
  source: ConfigSource;
  schemas: SchemaSource;
  onProgress?: (done: number, total: number) => void;
  /** Extra or replacement files (e.g. a scaffolded queue not yet written), by path. */
  overlay?: ReadonlyMap<string, string>;
}

/** Reads the whole tree and its config, then validates everything in one pass. */
export async function validateRepository(options: ValidateOptions): Promise<TreeReport> {
  const [schemas, sites, configFile] = await Promise.all([
    options.schemas.readSchemas(),
    options.source.readSites(),
    options.source.readConfig(),
  ]);
  let files = sites.files;
  if (options.overlay && options.overlay.size > 0) {
    const encoder = new TextEncoder();
    const replaced = new Map(files.map((f) => [f.path, f]));
    for (const [path, text] of options.overlay) replaced.set(path, { path, bytes: encoder.encode(text) });
    files = [...replaced.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  const validator = createSchemaValidator(schemas, await options.schemas.readPrecompiled?.());
  return validateTree(
    {
      files,
      readProblems: sites.problems,
      configFile,
      schemas,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
    validator,
  );
}
