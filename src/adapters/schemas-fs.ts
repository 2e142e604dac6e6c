import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { OperationalError } from "../core/errors.js";
import type { FileKind } from "../core/model.js";
import type { SchemaSource } from "../core/ports.js";
import {
  type PrecompiledValidators,
  SCHEMA_FILES,
  type SchemaSet,
} from "../core/validate/schema-validator.js";
import { requireCached } from "./code-cache.js";
import { packagePath } from "./package-root.js";

/** The schemas/ folder shipped next to dist/ in the siteops package. */
export const PACKAGE_SCHEMAS_DIR = packagePath("schemas/");

/**
 * Standalone validators written by `scripts/build-validators.mjs` during `npm run build`, with
 * their code cache (`code-cache.ts`).
 */
const PRECOMPILED = packagePath("dist/generated/validators.cjs");

export class FsSchemaSource implements SchemaSource {
  private schemas: Promise<SchemaSet> | undefined;

  constructor(private readonly dir: string = PACKAGE_SCHEMAS_DIR) {}

  readSchemas(): Promise<SchemaSet> {
    this.schemas ??= this.load();
    return this.schemas;
  }

  /** The build's validators, if they were compiled from exactly the schemas read here. */
  async readPrecompiled(): Promise<PrecompiledValidators | undefined> {
    const schemas = await this.readSchemas();
    let module: PrecompiledValidators & { schemaHash?: string };
    try {
      module = requireCached(PRECOMPILED) as typeof module;
    } catch {
      return undefined;
    }
    const hash = createHash("sha256");
    for (const kind of Object.keys(SCHEMA_FILES) as FileKind[]) {
      hash.update(`${kind}\0${JSON.stringify(schemas[kind])}\0`);
    }
    if (module.schemaHash !== hash.digest("hex")) return undefined;
    return { queue: module.queue, site: module.site, cloud: module.cloud, config: module.config };
  }

  private async load(): Promise<SchemaSet> {
    const entries = await Promise.all(
      (Object.entries(SCHEMA_FILES) as [FileKind, string][]).map(async ([kind, name]) => {
        const path = `${this.dir}${name}`;
        try {
          return [kind, JSON.parse(await readFile(path, "utf8"))] as const;
        } catch (error) {
          throw new OperationalError(
            `${path}: cannot load the schema (${(error as Error).message}). Reinstall siteops.`,
          );
        }
      }),
    );
    return Object.fromEntries(entries) as SchemaSet;
  }
}
