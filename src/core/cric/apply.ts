import { deepEqual } from "../diff/compare.js";
import { parseYaml } from "../load/parse-yaml.js";
import { classifyPath } from "../tree/layout.js";
import type { SchemaSet } from "../validate/schema-validator.js";
import type { ImportPlan, Json } from "./model.js";
import type { FileStatus } from "./report.js";
import { schemaWalker } from "./schema-walk.js";
import { ordered } from "./yaml-out.js";

const encoder = new TextEncoder();

/**
 * Which planned files are new, which would change an existing file, and which hold the same data
 * as the file already there. Equal data counts as unchanged even when comments, key order,
 * quoting or the order of sets (`x-order: set`) differ, so a hand-formatted file with the same
 * values is never rewritten.
 */
export function fileStatuses(
  plan: ImportPlan,
  existing: ReadonlyMap<string, Uint8Array>,
  schemas: SchemaSet,
): Map<string, FileStatus> {
  const normal = (file: string, data: Json | undefined) => {
    const kind = classifyPath(file).kind;
    const schema = kind === "cloud" || kind === "site" || kind === "queue" ? schemas[kind] : undefined;
    return schema && data
      ? ordered(data, schema, schemaWalker(schema, { "queue.schema.json": schemas.queue }))
      : data;
  };
  const statuses = new Map<string, FileStatus>();
  for (const [file, text] of plan.files) {
    const bytes = existing.get(file);
    if (bytes === undefined) {
      statuses.set(file, "new");
      continue;
    }
    const limits = { maxBytes: 16 * 1024 * 1024 };
    const before = normal(file, parseYaml(file, bytes, limits).data);
    const after = normal(file, parseYaml(file, encoder.encode(text), limits).data);
    statuses.set(file, before !== undefined && deepEqual(before, after) ? "unchanged" : "changed");
  }
  return statuses;
}

/** The tree after writing the plan: existing files, with planned files replacing or joining them. */
export function overlay(
  existing: ReadonlyMap<string, Uint8Array>,
  plan: ImportPlan,
): Map<string, Uint8Array> {
  const out = new Map(existing);
  for (const [file, text] of plan.files) out.set(file, encoder.encode(text));
  return out;
}

/**
 * The tree as CRIC has it, for drift: the repository's clouds and sites updated by the live dump,
 * and exactly the live dump's queues (a repository queue the dump lacks shows as removed).
 */
export function liveTree(
  repository: ReadonlyMap<string, Uint8Array>,
  plan: ImportPlan,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [file, bytes] of repository) if (classifyPath(file).kind !== "queue") out.set(file, bytes);
  for (const [file, text] of plan.files) out.set(file, encoder.encode(text));
  return out;
}
