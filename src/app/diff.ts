import { setImmediate as yieldToEvents } from "node:timers/promises";
import { type ResolvedConfig, resolveConfig } from "../core/config.js";
import { diffObjects } from "../core/diff/diff-trees.js";
import type { DiffReport } from "../core/diff/model.js";
import { collectObjects, type FileObjects, readFileObjects } from "../core/diff/objects.js";
import { readYaml } from "../core/load/read-yaml.js";
import type { Problem } from "../core/model.js";
import { type Revision, type RevisionReader, type SchemaSource, WORKTREE } from "../core/ports.js";
import { CONFIG_FILE, classifyPath } from "../core/tree/layout.js";
import type { SchemaSet } from "../core/validate/schema-validator.js";

/** Files parsed between two looks at the event loop while reading (see `readChanged`). */
const YIELD_EVERY = 24;

export interface DiffOptions {
  reader: RevisionReader;
  schemas: SchemaSource;
  base: string;
  /** A ref, or undefined for the working tree. */
  head?: string;
}

export interface DiffResult {
  report: DiffReport;
  /** Changed files that could not be parsed; their changes are not in the report. */
  problems: Problem[];
  config: ResolvedConfig;
}

/**
 * The semantic diff of two revisions, read from git objects. Only changed files are parsed, plus
 * what inheritance needs: the site file of every changed queue, and the queues of every changed site.
 */
export async function diffRefs(options: DiffOptions): Promise<DiffResult> {
  const { reader } = options;
  // Started together, awaited in order: a failure is reported as if they had run one after another.
  const pending = [
    options.schemas.readSchemas(),
    reader.resolve(options.base),
    options.head === undefined ? WORKTREE : reader.resolve(options.head),
  ] as const;
  for (const step of pending) Promise.resolve(step).catch(() => {});
  const schemas = await pending[0];
  const base = await pending[1];
  const head: Revision = await pending[2];
  return diffResolved(reader, schemas, base, head);
}

export async function diffResolved(
  reader: RevisionReader,
  schemas: SchemaSet,
  base: Revision,
  head: Revision,
): Promise<DiffResult> {
  // The config is read while git compares the trees.
  const [config, objects] = await Promise.all([
    readConfigAt(reader, head, schemas),
    readChanged(reader, base, head),
  ]);
  const result = diffObjects({
    base: { id: base, objects: objects.base },
    head: { id: head, objects: objects.head },
    schemas,
    himemMbPerCore: config.himemMbPerCore,
  });
  const { problems, ...report } = result;
  return { report, problems, config };
}

/** The changed files of both revisions, with the context inheritance needs, read into objects. */
async function readChanged(reader: RevisionReader, base: Revision, head: Revision) {
  const changed = await reader.changedPaths(base, head);
  const [basePaths, headPaths] = await Promise.all([
    contextPaths(reader, base, changed),
    contextPaths(reader, head, changed),
  ]);
  // A path the revisions do not differ in has the same bytes in both, so it is read and parsed
  // once: that is most of what a diff reads (the site file of every changed queue).
  const differs = new Set(changed);
  const readAtBase = new Set(basePaths);
  const headOnly = headPaths.filter((path) => differs.has(path) || !readAtBase.has(path));
  // Every read is asked for now, in a few parts, and each part is parsed as soon as it arrives
  // while git reads the later ones.
  const parts = [
    ...split(basePaths).map((paths) => ({ into: "base" as const, files: reader.readFiles(base, paths) })),
    ...split(headOnly).map((paths) => ({ into: "head" as const, files: reader.readFiles(head, paths) })),
  ];
  const pending = new Map(parts.map((part, i) => [i, part.files.then((files) => ({ i, files }))]));
  const read = { base: new Map<string, FileObjects>(), head: new Map<string, FileObjects>() };
  let sinceYield = 0;
  while (pending.size > 0) {
    const { i, files } = await Promise.race(pending.values());
    pending.delete(i);
    for (const [path, bytes] of files) {
      const objects = readFileObjects(path, bytes);
      if (objects) read[parts[i]!.into].set(path, objects);
      // Parsing holds the event loop: every few files, node takes what git has written meanwhile,
      // or git waits on a full pipe until the parsing is done.
      if (++sinceYield === YIELD_EVERY) {
        sinceYield = 0;
        await yieldToEvents();
      }
    }
  }
  for (const path of headPaths) {
    const same = differs.has(path) ? undefined : read.base.get(path);
    if (same) read.head.set(path, same);
  }
  return { base: collectObjects(read.base), head: collectObjects(read.head) };
}

/**
 * A small first part, so that parsing starts early, then up to three large parts: a reader may
 * read many files at once for less than one by one.
 */
function split(paths: readonly string[]): string[][] {
  const first = 64;
  if (paths.length <= first) return paths.length ? [[...paths]] : [];
  const rest = paths.length - first;
  const size = Math.ceil(rest / Math.max(1, Math.min(3, Math.floor(rest / 256))));
  const parts = [paths.slice(0, first)];
  for (let at = first; at < paths.length; at += size) parts.push(paths.slice(at, at + size));
  return parts;
}

async function contextPaths(
  reader: RevisionReader,
  revision: Revision,
  changed: readonly string[],
): Promise<string[]> {
  const paths = new Set(changed);
  const siteFolders = new Set<string>();
  for (const path of changed) {
    const entry = classifyPath(path);
    if (entry.kind === "queue") paths.add(`sites/${entry.cloud}/${entry.site}/site.yaml`);
    if (entry.kind === "site") siteFolders.add(`sites/${entry.cloud}/${entry.site}/queues/`);
  }
  for (const folder of siteFolders)
    for (const path of await reader.listFiles(revision, folder)) paths.add(path);
  return [...paths].sort();
}

export async function readConfigAt(
  reader: RevisionReader,
  revision: Revision,
  schemas: SchemaSet,
): Promise<ResolvedConfig> {
  const files = await reader.readFiles(revision, [CONFIG_FILE]);
  const bytes = files.get(CONFIG_FILE);
  if (!bytes) return resolveConfig({}, schemas.config);
  // The fast reader gives the same data; a broken file takes its careful path either way.
  const parsed = readYaml(CONFIG_FILE, bytes, { maxBytes: 1_048_576 });
  // A broken config is reported by `siteops validate`; the diff falls back to the defaults.
  return resolveConfig(parsed.data ?? {}, schemas.config);
}
