import { classifyPath } from "../tree/layout.js";
import { endpointNames } from "./check-file.js";
import type { TreeIndex } from "./tree-index.js";

/**
 * Which files a change can give problems, and which files answer their questions: a pull
 * request is judged from what it changed plus a cheap index of what it refers to, so its check
 * does not grow with the tree.
 *
 * The result equals a full validation on every file it reports on, and any other file can only
 * carry problems it already had before the change:
 * - a changed file is reported on, and so is every queue of a changed site (inherited defaults);
 * - files that may now clash with a changed name (same name without case) are reported on;
 * - queues that may refer to a queue that disappeared or stopped being virtual, and queues that
 *   may use a DDM endpoint that disappeared, are reported on: the caller finds them with a text
 *   search for the names (`needles`), a superset the rules then judge exactly;
 * - the context of every reported queue is read with it: its site, its parent, and the sites that
 *   may declare its endpoints (by the `<SITE>_<TOKEN>` prefix, else by text search, else all).
 */

type Data = Readonly<Record<string, unknown>>;

/** Parsed data of changed files at one side of the change (files that did not parse are absent). */
export type ParsedFiles = ReadonlyMap<string, Data>;

/** Names to search the whole tree for: files that mention them may now point at something gone. */
export interface ScopeNeedles {
  /**
   * For queue files: virtual queues that disappeared or stopped being virtual, DDM endpoints that
   * disappeared. A queue that was not virtual is not searched for: a queue may name only a virtual
   * queue as its parent, so in a base that validates (main is validated on every push) nothing
   * names it, and the search would read every blob of the tree for nothing.
   */
  queueNeedles: string[];
  /** For site files: DDM endpoints that are new, and may now be declared twice. */
  siteNeedles: string[];
}

/** What to search for; needs only the changed files, so the search can start before anything else. */
export function scopeNeedles(input: {
  changed: readonly string[];
  base: ParsedFiles;
  head: ParsedFiles;
}): ScopeNeedles {
  const { base, head } = input;
  const queueNeedles = new Set<string>();
  const siteNeedles = new Set<string>();
  for (const path of input.changed) {
    if (!path.startsWith("sites/")) continue;
    const entry = classifyPath(path);
    const before = base.get(path);
    const after = head.get(path);
    if (entry.kind === "site") {
      const kept = new Set(endpointNames(after));
      for (const name of endpointNames(before)) if (!kept.has(name)) queueNeedles.add(name);
      const had = new Set(endpointNames(before));
      for (const name of kept) if (!had.has(name)) siteNeedles.add(name);
    } else if (entry.kind === "queue") {
      const name = str(before?.name);
      if (!name || before?.is_virtual !== true) continue;
      const stillThere = str(after?.name) === name && after?.is_virtual === true;
      if (!stillThere) queueNeedles.add(name);
    }
  }
  return { queueNeedles: [...queueNeedles].sort(), siteNeedles: [...siteNeedles].sort() };
}

/** The files a change reports on directly: what it changed, the queues of changed sites, name clashes. */
export function scopeReport(input: {
  changed: readonly string[];
  index: TreeIndex;
  head: ParsedFiles;
}): Set<string> {
  const { index, head } = input;
  const report = new Set<string>();
  // The names of changed queues are looked up in one search.
  index.prefetchQueueNames(
    input.changed.flatMap((path) => {
      const entry = classifyPath(path);
      const name = str(head.get(path)?.name);
      return entry.kind === "queue" ? [entry.queue, ...(name ? [name] : [])] : [];
    }),
  );
  for (const path of input.changed) {
    if (!path.startsWith("sites/")) continue;
    const entry = classifyPath(path);
    if (index.has(path)) report.add(path);
    const after = head.get(path);
    if (entry.kind === "site") {
      for (const queue of index.queuesOfSiteFolder(entry.cloud, entry.site)) report.add(queue);
      for (const name of [entry.site, str(after?.name)]) {
        if (name) for (const site of index.sitesNamedLike(name)) report.add(site);
      }
    } else if (entry.kind === "queue") {
      for (const name of [entry.queue, str(after?.name)]) {
        if (name) for (const queue of index.queuesNamedLike(name)) report.add(queue);
      }
    }
  }
  return report;
}

/** The parents named by queues, for `TreeIndex.prefetchQueueNames` before their `queueContext`. */
export function parentNames(data: Iterable<Data | undefined>): string[] {
  const names: string[] = [];
  for (const item of data) {
    const parent = str(item?.parent);
    if (parent) names.push(parent);
  }
  return names;
}

/** Files a reported queue's rules read: its site, its parent, the sites that may declare its endpoints. */
export function queueContext(
  index: TreeIndex,
  path: string,
  data: Data | undefined,
): { files: string[]; endpoints: string[] } {
  const entry = classifyPath(path);
  const files: string[] = [];
  if (entry.kind !== "queue") return { files, endpoints: [] };
  files.push(`sites/${entry.cloud}/${entry.site}/site.yaml`);
  const site = str(data?.atlas_site);
  const declared = site ? index.siteFile(site) : undefined;
  if (declared) files.push(declared);
  const parent = str(data?.parent);
  const parentFile = parent ? index.queueFile(parent) : undefined;
  if (parentFile) files.push(parentFile);
  const endpoints = referencedEndpoints(data);
  for (const endpoint of endpoints) files.push(...index.endpointSiteCandidates(endpoint));
  return { files, endpoints };
}

/** Endpoint names a queue's `astorages` refer to. */
export function referencedEndpoints(data: Data | undefined): string[] {
  const astorages = data?.astorages;
  if (!astorages || typeof astorages !== "object" || Array.isArray(astorages)) return [];
  const names: string[] = [];
  for (const list of Object.values(astorages as Record<string, unknown>)) {
    if (Array.isArray(list)) for (const name of list) if (typeof name === "string") names.push(name);
  }
  return names;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
