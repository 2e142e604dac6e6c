import { diffWordsWithSpace } from "diff";
import { annotation, type SchemaIndex, type SchemaNode } from "../schema-index.js";
import type { FieldChange, WordPart } from "./model.js";

/**
 * Compares two values of one object field by field, guided by the schema annotations:
 * `x-identity` lists are matched by key, `x-order: set` lists ignore order, `x-order: priority`
 * reports reorders, `x-format: catchall` strings are compared item by item, `x-diff: words`
 * strings get a word diff. Formatting, comments and key order never count: only data reaches here.
 */
export function compareFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  node: SchemaNode,
  index: SchemaIndex,
): FieldChange[] {
  const out: FieldChange[] = [];
  const flat = { before: flattened(before, node, index), after: flattened(after, node, index) };
  compareMaps(before, after, node, [], index, out, flat);
  return out;
}

/** Lists every top-level field of an added or removed object. */
export function listFields(
  data: Record<string, unknown>,
  action: "added" | "removed",
  node: SchemaNode,
  index: SchemaIndex,
): FieldChange[] {
  return Object.keys(data)
    .sort()
    .map((key) => {
      const child = index.child(node, key);
      return withLabels(
        { path: key, action, ...(action === "added" ? { after: data[key] } : { before: data[key] }) },
        child,
      );
    });
}

type Path = string;

function join(path: Path, key: string): Path {
  return path === "" ? key : `${path}.${key}`;
}

/** Values that replace a map's own: see `flattened`. */
type Replaced = { before: ReadonlyMap<string, unknown>; after: ReadonlyMap<string, unknown> };

function valueAt(map: Record<string, unknown>, key: string, replaced?: ReadonlyMap<string, unknown>) {
  return replaced !== undefined && replaced.size > 0 && replaced.has(key) ? replaced.get(key) : map[key];
}

function compareMaps(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  node: SchemaNode | undefined,
  path: readonly string[],
  index: SchemaIndex,
  out: FieldChange[],
  replaced?: Replaced,
): void {
  // Most fields of a modified object are unchanged: equal values are skipped before any schema
  // lookup, since comparing them in detail finds no change either.
  const keys: string[] = [];
  const differs = (key: string) => {
    const b = valueAt(before, key, replaced?.before);
    const a = valueAt(after, key, replaced?.after);
    return b !== a && !deepEqual(b, a);
  };
  for (const key of Object.keys(before)) if (differs(key)) keys.push(key);
  for (const key of Object.keys(after)) if (!Object.hasOwn(before, key) && differs(key)) keys.push(key);
  for (const key of keys.sort()) {
    const b = valueAt(before, key, replaced?.before);
    const a = valueAt(after, key, replaced?.after);
    compareValue(b, a, index.child(node, key), join(path.join("."), key), index, out);
  }
}

function compareValue(
  before: unknown,
  after: unknown,
  node: SchemaNode | undefined,
  path: Path,
  index: SchemaIndex,
  out: FieldChange[],
): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    out.push(withLabels({ path, action: "added", after }, node));
    return;
  }
  if (after === undefined) {
    out.push(withLabels({ path, action: "removed", before }, node));
    return;
  }
  if (
    annotation(node, "x-format") === "catchall" &&
    typeof before === "string" &&
    typeof after === "string"
  ) {
    compareCatchall(before, after, node, path, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    compareLists(before, after, node, path, index, out);
    return;
  }
  if (isMap(before) && isMap(after)) {
    compareMaps(before, after, node, path === "" ? [] : [path], index, out);
    return;
  }
  if (deepEqual(before, after)) return;
  const change: FieldChange = withLabels({ path, action: "changed", before, after }, node);
  if (annotation(node, "x-diff") === "words" && typeof before === "string" && typeof after === "string") {
    change.words = wordDiff(before, after);
  }
  out.push(change);
}

function compareLists(
  before: unknown[],
  after: unknown[],
  node: SchemaNode | undefined,
  path: Path,
  index: SchemaIndex,
  out: FieldChange[],
): void {
  const identity = annotation(node, "x-identity");
  if (typeof identity === "string") {
    const key = (item: unknown) => (isMap(item) ? String(item[identity]) : JSON.stringify(item));
    const beforeById = new Map(before.map((item) => [key(item), item]));
    const afterById = new Map(after.map((item) => [key(item), item]));
    const ids = [...new Set([...beforeById.keys(), ...afterById.keys()])];
    const itemNode = index.child(node, 0);
    for (const id of ids)
      compareValue(beforeById.get(id), afterById.get(id), itemNode, `${path}[${id}]`, index, out);
    return;
  }
  if (deepEqual(before, after)) return;
  const order = annotation(node, "x-order");
  const sameMembers = deepEqual(sortedCopy(before), sortedCopy(after));
  if (sameMembers && order === "set") return;
  out.push(withLabels({ path, action: sameMembers ? "reordered" : "changed", before, after }, node));
}

/** catchall `a=1,b,c=x` compares as a map: one change per item, order ignored. */
function compareCatchall(
  before: string,
  after: string,
  node: SchemaNode | undefined,
  path: Path,
  out: FieldChange[],
) {
  const b = parseCatchall(before);
  const a = parseCatchall(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
  for (const key of keys) {
    const x = b.get(key);
    const y = a.get(key);
    if (x === y) continue;
    const sub = `${path}.${key}`;
    if (x === undefined) out.push(withLabels({ path: sub, action: "added", after: y }, node));
    else if (y === undefined) out.push(withLabels({ path: sub, action: "removed", before: x }, node));
    else out.push(withLabels({ path: sub, action: "changed", before: x, after: y }, node));
  }
}

export function parseCatchall(text: string): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const item of text.split(",")) {
    const trimmed = item.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    if (eq < 0) out.set(trimmed, true);
    else out.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Brings equivalent shapes to one form before comparing: `params` (and `uconfig`) nested maps
 * become dotted keys. Returned as replacement values rather than a copy of the object: copying
 * objects with as many keys as a queue's is slow, and most fields are compared as they are.
 */
function flattened(
  data: Record<string, unknown>,
  node: SchemaNode,
  index: SchemaIndex,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of ["params", "uconfig"]) {
    const value = data[key];
    if (isMap(value) && index.child(node, key)) out.set(key, flatten(value));
  }
  return out;
}

function flatten(
  map: Record<string, unknown>,
  prefix = "",
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, value] of Object.entries(map)) {
    const full = prefix === "" ? key : `${prefix}.${key}`;
    if (isMap(value)) flatten(value, full, out);
    else out[full] = value;
  }
  return out;
}

function withLabels(change: FieldChange, node: SchemaNode | undefined): FieldChange {
  const unit = annotation(node, "x-unit");
  const title = annotation(node, "title");
  if (typeof unit === "string") change.unit = unit;
  if (typeof title === "string") change.label = title;
  return change;
}

function wordDiff(before: string, after: string): WordPart[] {
  return diffWordsWithSpace(before, after).map((part) =>
    part.added
      ? { text: part.value, change: "added" }
      : part.removed
        ? { text: part.value, change: "removed" }
        : { text: part.value },
  );
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function sortedCopy(list: unknown[]): string[] {
  return list.map((item) => JSON.stringify(item)).sort();
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Plain loops: this runs for every field of every modified object.
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}
