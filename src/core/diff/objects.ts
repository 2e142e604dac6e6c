import { readYaml } from "../load/read-yaml.js";
import type { FileKind, Problem } from "../model.js";
import { classifyPath } from "../tree/layout.js";
import type { ChangeKind } from "./model.js";

/** One diffable object of a revision, found by its file (DDM endpoints are found inside site files). */
export interface DiffObject {
  kind: ChangeKind;
  name: string;
  cloud: string;
  site?: string;
  file: string;
  data: Record<string, unknown>;
}

export interface RevisionObjects {
  objects: DiffObject[];
  /** Files that could not be read as YAML mappings; the diff cannot describe them. */
  problems: Problem[];
  /** Paths of those files: their objects are unknown at this revision, not absent. */
  unreadable: Set<string>;
  /** What each file was read as, so the other revision can reuse it when the file is the same. */
  byFile: Map<string, FileObjects>;
}

export interface FileObjects {
  bytes: Uint8Array;
  objects: DiffObject[];
  problems: Problem[];
  /** Undefined when the file could not be read as a YAML mapping. */
  data: Record<string, unknown> | undefined;
}

const SCHEMA_KIND: Record<ChangeKind, FileKind> = {
  cloud: "cloud",
  site: "site",
  queue: "queue",
  ddmendpoint: "site",
};

export function schemaKindOf(kind: ChangeKind): FileKind {
  return SCHEMA_KIND[kind];
}

/**
 * Parses the given files of one revision into objects; files outside the layout are ignored here.
 * A file whose bytes are the same in `other` (the other revision) is not parsed again: it keeps the
 * very objects of `other`, so comparing them is an identity check. Most files a diff reads are such
 * context (the site file of each changed queue).
 */
export function readObjects(
  files: ReadonlyMap<string, Uint8Array>,
  other?: RevisionObjects,
): RevisionObjects {
  const byFile = new Map<string, FileObjects>();
  for (const [file, bytes] of files) {
    const known = other?.byFile.get(file);
    const read = known && sameBytes(known.bytes, bytes) ? known : readFileObjects(file, bytes);
    if (read) byFile.set(file, read);
  }
  return collectObjects(byFile);
}

/** The objects of one revision from its read files, in path order whatever order they were read in. */
export function collectObjects(byFile: ReadonlyMap<string, FileObjects>): RevisionObjects {
  const objects: DiffObject[] = [];
  const problems: Problem[] = [];
  const unreadable = new Set<string>();
  const sorted = new Map([...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const [file, read] of sorted) {
    objects.push(...read.objects);
    problems.push(...read.problems);
    if (!read.data) unreadable.add(file);
  }
  return { objects, problems, unreadable, byFile: sorted };
}

/** The objects of one file; undefined for a file outside the layout (only clouds, sites and queues count). */
export function readFileObjects(file: string, bytes: Uint8Array): FileObjects | undefined {
  const entry = classifyPath(file);
  if (entry.kind !== "cloud" && entry.kind !== "site" && entry.kind !== "queue") return undefined;
  const parsed = readYaml(file, bytes, { maxBytes: 16 * 1024 * 1024 });
  const problems = parsed.problems.filter((p) => p.severity === "error");
  const data = parsed.data;
  const objects: DiffObject[] = [];
  const out = { bytes, objects, problems, data };
  if (!data) return out;
  const name = typeof data.name === "string" ? data.name : entry.kind === "queue" ? entry.queue : "";
  if (entry.kind === "cloud") {
    objects.push({ kind: "cloud", name: name || entry.cloud, cloud: entry.cloud, file, data });
  } else if (entry.kind === "site") {
    const { ddmendpoints, ...site } = data;
    const siteName = name || entry.site;
    objects.push({ kind: "site", name: siteName, cloud: entry.cloud, site: siteName, file, data: site });
    for (const endpoint of Array.isArray(ddmendpoints) ? ddmendpoints : []) {
      if (endpoint === null || typeof endpoint !== "object" || typeof endpoint.name !== "string") continue;
      objects.push({
        kind: "ddmendpoint",
        name: endpoint.name,
        cloud: entry.cloud,
        site: siteName,
        file,
        data: endpoint,
      });
    }
  } else {
    const site = typeof data.atlas_site === "string" ? data.atlas_site : entry.site;
    objects.push({ kind: "queue", name, cloud: entry.cloud, site, file, data });
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
