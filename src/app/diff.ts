import { type ResolvedConfig, resolveConfig } from "../core/config.js";
import { diffRevisions } from "../core/diff/diff-trees.js";
import type { DiffReport } from "../core/diff/model.js";
import { parseYaml } from "../core/load/parse-yaml.js";
import type { Problem } from "../core/model.js";
import { type Revision, type RevisionReader, type SchemaSource, WORKTREE } from "../core/ports.js";
import { CONFIG_FILE, classifyPath } from "../core/tree/layout.js";
import type { SchemaSet } from "../core/validate/schema-validator.js";

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
  const schemas = await options.schemas.readSchemas();
  const base = await reader.resolve(options.base);
  const head: Revision = options.head === undefined ? WORKTREE : await reader.resolve(options.head);
  return diffResolved(reader, schemas, base, head);
}

export async function diffResolved(
  reader: RevisionReader,
  schemas: SchemaSet,
  base: Revision,
  head: Revision,
): Promise<DiffResult> {
  const changed = await reader.changedPaths(base, head);
  const config = await readConfigAt(reader, head, schemas);
  const [baseFiles, headFiles] = await Promise.all(
    [base, head].map(async (revision) =>
      reader.readFiles(revision, await contextPaths(reader, revision, changed)),
    ),
  );
  const result = diffRevisions({
    base: { id: base, files: baseFiles! },
    head: { id: head, files: headFiles! },
    schemas,
    himemMbPerCore: config.himemMbPerCore,
  });
  const { problems, ...report } = result;
  return { report, problems, config };
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
  const parsed = parseYaml(CONFIG_FILE, bytes, { maxBytes: 1_048_576 });
  // A broken config is reported by `siteops validate`; the diff falls back to the defaults.
  return resolveConfig(parsed.data ?? {}, schemas.config);
}
