import { OperationalError } from "../errors.js";

/** A JSON object as CRIC serves it (one queue, site or DDM endpoint). */
export type Json = Record<string, unknown>;

/** Which CRIC endpoint a dump comes from; it decides how the dump is read. */
export type DumpKind = "pandaqueues" | "sites" | "ddmendpoints";

/** A parsed CRIC dump: objects by name, in the dump's order. */
export interface Dump {
  kind: DumpKind;
  /** What to call the dump in messages: its file name or URL. */
  source: string;
  objects: Map<string, Json>;
}

/** Something wrong with a dump that stops the import before anything is written. */
export interface DumpProblem {
  source: string;
  /** The queue (or site, endpoint) concerned, when there is one. */
  object?: string;
  /** The field concerned, e.g. `corecount` or `queues[2].ce_endpoint`. */
  field?: string;
  message: string;
}

/** A dump that cannot be imported: every problem found, in one error (exit code 2). */
export class DumpError extends OperationalError {
  constructor(readonly problems: readonly DumpProblem[]) {
    super(
      `the CRIC dump cannot be imported; nothing was written:\n${problems.map((p) => `  ${p.message}`).join("\n")}`,
    );
  }
}

/**
 * Why a dump value is not written where CRIC has it. Every field of the dump is either written
 * to the queue file unchanged or accounted for by one note, so nothing disappears silently.
 */
export type NoteKind =
  /** In `cric.unmanaged_fields`: owned by someone else (the note names the owner). */
  | "unmanaged"
  /** A site-level field: written to site.yaml (or dropped when site.yaml has no place for it). */
  | "site-level"
  /** Equal to what export derives (nickname == name, site == panda_site): dropped. */
  | "derived"
  /** A derived field that differs from what export derives: dropped, but worth a look. */
  | "conflict"
  /** Not a field of the queue schema and not unmanaged: dropped. */
  | "unknown"
  /** null in a field the schema does not allow to be null: dropped (absent means no value). */
  | "null"
  /** An inheritable value moved to (or taken from) the site's queue_defaults. */
  | "inherited"
  /** Made up so the tree validates (contacts, owners, endpoints, cloud file, virtual parent): a person must check it. */
  | "placeholder";

export interface Note {
  kind: NoteKind;
  /** The field concerned (dump field name, or site.yaml path). */
  field: string;
  message: string;
}

/** What an import would write: file texts by path, and the notes about each file. */
export interface ImportPlan {
  files: Map<string, string>;
  notes: Map<string, Note[]>;
  /** Files of placeholder virtual parents (queues the dump names as parent but does not hold). */
  stubs: Set<string>;
  /** Counts for the summary line. */
  counts: { queues: number; sites: number; clouds: number; endpoints: number };
}

/** CRIC names become file and folder names: only these characters, so no path can escape its folder. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Keys that would reach Object.prototype in careless code; never part of a CRIC record. */
export const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The JSON type of a value, as messages name it. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value === "object" ? "object" : typeof value;
}

/** The JSON type with its article, for messages: "an integer", "a list", "null". */
export function aType(value: unknown): string {
  const type = jsonType(value);
  return type === "null" ? "null" : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Code-point order: the same on every machine and locale, so output never depends on where it ran. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
