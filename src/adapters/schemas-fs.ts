import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { OperationalError } from "../core/errors.js";
import type { FileKind } from "../core/model.js";
import type { SchemaSource } from "../core/ports.js";
import { SCHEMA_FILES, type SchemaSet } from "../core/validate/schema-validator.js";

/** The schemas/ folder shipped next to dist/ in the siteops package. */
export const PACKAGE_SCHEMAS_DIR = fileURLToPath(new URL("../../schemas/", import.meta.url));

export class FsSchemaSource implements SchemaSource {
  constructor(private readonly dir: string = PACKAGE_SCHEMAS_DIR) {}

  async readSchemas(): Promise<SchemaSet> {
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
