import {
  aType,
  type Dump,
  type DumpKind,
  type DumpProblem,
  isObject,
  type Json,
  UNSAFE_KEYS,
} from "./model.js";

const WHAT: Record<DumpKind, { noun: string; api: string }> = {
  pandaqueues: { noun: "queue", api: "https://atlas-cric.cern.ch/api/atlas/pandaqueue/query/?json" },
  sites: { noun: "site", api: "https://atlas-cric.cern.ch/api/atlas/site/query/?json" },
  ddmendpoints: { noun: "DDM endpoint", api: "https://atlas-cric.cern.ch/api/atlas/ddmendpoint/query/?json" },
};

export type DumpResult = { dump: Dump; problems: [] } | { dump: undefined; problems: DumpProblem[] };

/**
 * Reads a CRIC dump: an object keyed by name (the CRIC API and the CVMFS copy), or, for queues,
 * one queue object on its own (the pilot's per-queue cache), recognised by a top-level `name` or
 * `nickname` string. Refuses anything else with a message that says how to get a good dump.
 */
export function parseDump(text: string, kind: DumpKind, source: string): DumpResult {
  const { noun, api } = WHAT[kind];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const where = jsonErrorPosition(text, (error as Error).message);
    const cut = text.trim() === "" ? "is empty" : `is not valid JSON${where} (${(error as Error).message})`;
    return fail({
      source,
      message: `${source}: ${cut}. The dump is truncated or damaged; download it again (${api}) and retry.`,
    });
  }
  if (!isObject(data)) {
    return fail({
      source,
      message: `${source}: the dump is ${aType(data)}, not an object keyed by ${noun} name. Use the CRIC JSON export (${api}).`,
    });
  }
  const unsafe = findUnsafeKey(data, []);
  if (unsafe) {
    const at = unsafe.path.slice(0, -1).join(".") || "the top level";
    return fail({
      source,
      message: unsafe.deep
        ? `${source}: the data at ${at} nests deeper than ${MAX_DEPTH} levels; no CRIC record does. Download the dump again (${api}).`
        : `${source}: key \`${unsafe.path.at(-1)}\` at ${at} is reserved and never part of a CRIC record. Remove it from the dump.`,
    });
  }
  const single =
    kind === "pandaqueues" && (typeof data.name === "string" || typeof data.nickname === "string");
  const objects = new Map<string, Json>();
  if (single) {
    objects.set(String(data.name ?? data.nickname), data);
    return { dump: { kind, source, objects }, problems: [] };
  }
  const problems: DumpProblem[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!isObject(value)) {
      problems.push({
        source,
        object: key,
        message: `${source}: ${noun} \`${key}\` is ${aType(value)}, not an object of fields. Use the CRIC JSON export (${api}), where every ${noun} is an object.`,
      });
      continue;
    }
    objects.set(key, value);
  }
  if (problems.length > 0) return { dump: undefined, problems };
  if (objects.size === 0) {
    return fail({
      source,
      message: `${source}: the dump holds no ${noun}s. Check the query (filters) that produced it.`,
    });
  }
  return { dump: { kind, source, objects }, problems: [] };
}

function fail(problem: DumpProblem): DumpResult {
  return { dump: undefined, problems: [problem] };
}

/** Node names the offset of a JSON error ("at position 123"); people need a line and column. */
function jsonErrorPosition(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  const offset = match ? Number(match[1]) : /end of JSON input/i.test(message) ? text.length : undefined;
  if (offset === undefined) return "";
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return ` at line ${line}, column ${column}`;
}

/** Real records nest about 4 levels; the limit keeps the recursive walks below safe. */
const MAX_DEPTH = 32;

/** Path of the first reserved key (`__proto__`, ...) or too deep value anywhere in the data, if any. */
function findUnsafeKey(value: unknown, path: string[]): { path: string[]; deep: boolean } | undefined {
  if (path.length > MAX_DEPTH) return { path, deep: true };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafeKey(item, [...path, String(index)]);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (UNSAFE_KEYS.has(key)) return { path: [...path, key], deep: false };
      const found = findUnsafeKey(child, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
