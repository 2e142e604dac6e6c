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

/** Parses the given files of one revision into objects; files outside the layout are ignored here. */
export function readObjects(files: ReadonlyMap<string, Uint8Array>): RevisionObjects {
  const objects: DiffObject[] = [];
  const problems: Problem[] = [];
  const unreadable = new Set<string>();
  for (const [file, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entry = classifyPath(file);
    if (entry.kind !== "cloud" && entry.kind !== "site" && entry.kind !== "queue") continue;
    const parsed = readYaml(file, bytes, { maxBytes: 16 * 1024 * 1024 });
    problems.push(...parsed.problems.filter((p) => p.severity === "error"));
    const data = parsed.data;
    if (!data) {
      unreadable.add(file);
      continue;
    }
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
  }
  return { objects, problems, unreadable };
}
