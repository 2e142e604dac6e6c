import { type ParseResult, parseYaml } from "../load/parse-yaml.js";
import { readYaml } from "../load/read-yaml.js";
import type { FileKind, Locator, Problem, SourceFile } from "../model.js";
import { makeProblem } from "../problem.js";
import { classifyPath } from "../tree/layout.js";
import type { SchemaValidator } from "./schema-validator.js";

/** Fields without which a file cannot be placed in the tree at all. */
const IDENTITY: Record<FileKind, string[]> = {
  cloud: ["name"],
  site: ["name", "cloud"],
  queue: ["name", "cloud", "atlas_site"],
  config: [],
};

/** The result of checking one file on its own: parse and schema. */
export interface FileCheck {
  path: string;
  problems: Problem[];
  /** Whether the file parsed to a mapping (it counts as an object of its kind). */
  parsed: boolean;
  endpointCount: number;
  /** The data that takes part in the cross-object rules (invalid fields pruned), if any. */
  data?: Record<string, unknown>;
  pruned?: string[];
  /** Names declared by a file that failed its schema: they still exist for references. */
  invalidNames: { queues: string[]; endpoints: string[] };
  /** Present when checked in this thread; rebuilt from the bytes otherwise. */
  locate?: Locator;
}

/** Parses one file and validates it against its schema. */
export function checkFile(
  source: SourceFile,
  config: { maxFileBytes: number; unmanaged: ReadonlyMap<string, string> },
  validator: SchemaValidator,
  parser: "fast" | "careful" = "fast",
  alreadyRead?: ParseResult,
): FileCheck {
  const none = { queues: [], endpoints: [] };
  const entry = classifyPath(source.path);
  if (entry.kind === "documentation")
    return { path: source.path, problems: [], parsed: false, endpointCount: 0, invalidNames: none };
  if (entry.kind === "unexpected") {
    const problem = makeProblem({
      code: "unexpected-file",
      file: source.path,
      message: `${source.path}: unexpected file; ${entry.message}.`,
    });
    return { path: source.path, problems: [problem], parsed: false, endpointCount: 0, invalidNames: none };
  }
  const kind: FileKind = entry.kind;
  const read = parser === "careful" ? parseYaml : readYaml;
  // A read under a larger limit gives the same result for a file within this one.
  const reuse = parser === "fast" && alreadyRead && source.bytes.length <= config.maxFileBytes;
  const parsed = reuse
    ? alreadyRead
    : read(source.path, source.bytes, { maxBytes: config.maxFileBytes }, source.size);
  const problems = [...parsed.problems];
  if (parsed.data === undefined)
    return {
      path: source.path,
      problems,
      parsed: false,
      endpointCount: 0,
      invalidNames: none,
      locate: parsed.locate,
    };
  const endpointCount =
    kind === "site" && Array.isArray(parsed.data.ddmendpoints) ? parsed.data.ddmendpoints.length : 0;
  const schemaProblems = validator.validate(kind, parsed.data, {
    file: source.path,
    locate: parsed.locate,
    unmanaged: config.unmanaged,
  });
  problems.push(...schemaProblems);
  const base = { path: source.path, problems, parsed: true, endpointCount, locate: parsed.locate };
  if (!schemaProblems.some((p) => p.severity === "error"))
    return { ...base, data: parsed.data, invalidNames: none };
  // Cross-object rules read typed data. A file with schema errors takes part without its invalid
  // fields, as long as the fields that identify it are sound; otherwise only its names are kept.
  const pruned = validator.invalidFields(kind, parsed.data);
  const invalidNames = namesOf(kind, parsed.data);
  const raw = parsed.data;
  if (IDENTITY[kind].some((field) => pruned.has(field) || typeof raw[field] !== "string")) {
    return { ...base, invalidNames };
  }
  const data = Object.fromEntries(Object.entries(raw).filter(([key]) => !pruned.has(key)));
  return { ...base, data, pruned: [...pruned], invalidNames };
}

function namesOf(kind: FileKind, data: Record<string, unknown>): { queues: string[]; endpoints: string[] } {
  const queues = kind === "queue" && typeof data.name === "string" ? [data.name] : [];
  return { queues, endpoints: kind === "site" ? endpointNames(data) : [] };
}

/** Endpoint names a site declares (whatever else its entries hold). */
export function endpointNames(data: Readonly<Record<string, unknown>> | undefined): string[] {
  const list = data?.ddmendpoints;
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const item of list) {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name === "string") names.push(name);
  }
  return names;
}
