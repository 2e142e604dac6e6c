import { inheritableFields } from "../core/config.js";
import type { Problem } from "../core/model.js";
import type { ConfigSource, FileCheckPool, SchemaSource } from "../core/ports.js";
import { createSchemaValidator } from "../core/validate/schema-validator.js";
import {
  type LocalCheck,
  loadTreeConfig,
  type TreeReport,
  type ValidationReport,
  validateCheckedTree,
  validateTree,
} from "../core/validate/validate-tree.js";

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

/**
 * Validates the whole tree for its problems only (no tree is returned). Given a pool that takes a
 * tree this size, each file is read and checked on its own in the pool, and only what the
 * cross-object rules need comes back; otherwise this is `validateRepository`.
 */
export async function checkRepository(
  options: ValidateOptions & { pool?: FileCheckPool },
): Promise<ValidationReport> {
  const { pool, source } = options;
  if (!pool || !source.listSites || (options.overlay && options.overlay.size > 0))
    return validateRepository(options);
  try {
    const [schemas, configFile, precompiled] = await Promise.all([
      options.schemas.readSchemas(),
      source.readConfig(),
      options.schemas.readPrecompiled?.(),
    ]);
    const { config, problems: configProblems } = loadTreeConfig(
      configFile,
      schemas,
      createSchemaValidator(schemas, precompiled),
    );
    const settings = {
      maxFileBytes: config.maxFileBytes,
      unmanaged: config.unmanaged,
      himemMbPerCore: config.himemMbPerCore,
      inheritable: inheritableFields(schemas.queue),
    };
    // The threads start (and get ready to check) as soon as the tree is known to be large
    // enough, while it is still being listed.
    const listing = await source.listSites((count) => {
      if (pool.accepts(count)) pool.start({ schemas, settings });
    });
    if (!pool.accepts(listing.paths.length)) {
      pool.close();
      return await validateRepository(options);
    }
    const results = await pool.check(listing.paths, { schemas, settings }, options.onProgress);
    const checks: LocalCheck[] = [];
    const readProblems: Problem[] = [...listing.problems];
    for (const result of results) {
      if ("check" in result) checks.push(result.check);
      else readProblems.push(result.problem);
    }
    return validateCheckedTree({
      checks,
      readProblems,
      config,
      configProblems,
      schemas,
      reread: (path) => pool.reread(path),
    });
  } finally {
    // Threads keep the process alive: they stop however this ends.
    pool.close();
  }
}
