import { inheritableFields, type ResolvedConfig, resolveConfig } from "../core/config.js";
import { fileStatuses, liveTree, overlay } from "../core/cric/apply.js";
import { parseDump } from "../core/cric/dump.js";
import { exportJson } from "../core/cric/export.js";
import { planImport } from "../core/cric/import.js";
import { type Dump, DumpError, type DumpKind, type DumpProblem } from "../core/cric/model.js";
import type { ImportReport } from "../core/cric/report.js";
import { diffRevisions } from "../core/diff/diff-trees.js";
import type { DiffReport } from "../core/diff/model.js";
import { OperationalError } from "../core/errors.js";
import { parseYaml } from "../core/load/parse-yaml.js";
import type { Problem, SourceFile } from "../core/model.js";
import type { ConfigSource, SchemaSource, TreeFiles } from "../core/ports.js";
import { createSchemaValidator, type SchemaSet } from "../core/validate/schema-validator.js";
import { validateTree } from "../core/validate/validate-tree.js";
import { type ValidateOptions, validateRepository } from "./validate.js";

/** A dump as read by an adapter: its text and what to call it. */
export interface DumpText {
  source: string;
  text: string;
}

/** The repository an import reads and writes: its sites/ may not exist yet. */
export interface ImportTarget {
  readTree(): Promise<TreeFiles>;
  readConfig(): Promise<SourceFile | undefined>;
  /** Creates or replaces one file. */
  write(path: string, content: string): Promise<void>;
}

export interface ImportOptions {
  target: ImportTarget;
  schemas: SchemaSource;
  pandaqueues: DumpText;
  sites?: DumpText;
  ddmendpoints?: DumpText;
  /** Replace existing files whose data would change (otherwise the import refuses). */
  force: boolean;
}

/**
 * Imports CRIC dumps into the tree. Everything is decided before the first write: the dumps are
 * checked, the files planned, compared with those already there, and the resulting tree validated.
 * Nothing is written when a dump is bad (DumpError), when the tree would not validate, or when an
 * existing file would change and `force` is not set.
 */
export async function importDumps(options: ImportOptions): Promise<ImportReport> {
  const schemas = await options.schemas.readSchemas();
  const tree = await options.target.readTree();
  const unreadable = tree.problems.filter((p) => p.severity === "error");
  if (unreadable.length > 0) {
    throw new OperationalError(
      `the tree has files siteops cannot read safely, so nothing was imported:\n${unreadable.map((p) => `  ${p.message}`).join("\n")}`,
    );
  }
  const configFile = await options.target.readConfig();
  const config = loadConfig(configFile, schemas);
  const dumps = parseDumps({
    pandaqueues: options.pandaqueues,
    ...(options.sites ? { sites: options.sites } : {}),
    ...(options.ddmendpoints ? { ddmendpoints: options.ddmendpoints } : {}),
  });
  const existing = new Map(tree.files.map((f) => [f.path, f.bytes]));
  const plan = planImport({
    queues: dumps.pandaqueues!,
    ...(dumps.sites ? { sites: dumps.sites } : {}),
    ...(dumps.ddmendpoints ? { endpoints: dumps.ddmendpoints } : {}),
    schemas,
    unmanaged: config.unmanaged,
    existing,
  });
  const statuses = fileStatuses(plan, existing, schemas);
  const touched = new Set([...statuses].filter(([, s]) => s !== "unchanged").map(([file]) => file));
  const problems = newErrors(existing, overlay(existing, plan), touched, configFile, schemas);
  const conflicts = [...statuses]
    .filter(([, s]) => s === "changed")
    .map(([file]) => file)
    .sort();
  const report: ImportReport = {
    outcome: "written",
    files: [...plan.files.keys()].map((file) => ({
      file,
      status: statuses.get(file)!,
      notes: plan.notes.get(file) ?? [],
    })),
    conflicts,
    problems,
    counts: plan.counts,
  };
  if (problems.length > 0) return { ...report, outcome: "refused", reason: "invalid" };
  if (conflicts.length > 0 && !options.force) return { ...report, outcome: "refused", reason: "conflicts" };
  if (touched.size === 0) return { ...report, outcome: "up-to-date" };
  for (const file of [...touched].sort()) await options.target.write(file, plan.files.get(file)!);
  return report;
}

/** Errors the import would bring: any in a file it writes, and any other that the tree does not have today. */
function newErrors(
  before: ReadonlyMap<string, Uint8Array>,
  after: ReadonlyMap<string, Uint8Array>,
  touched: ReadonlySet<string>,
  configFile: SourceFile | undefined,
  schemas: SchemaSet,
): Problem[] {
  const validator = createSchemaValidator(schemas);
  const run = (files: ReadonlyMap<string, Uint8Array>) =>
    validateTree(
      {
        files: [...files]
          .map(([path, bytes]) => ({ path, bytes }))
          .sort((a, b) => (a.path < b.path ? -1 : 1)),
        readProblems: [],
        configFile,
        schemas,
      },
      validator,
    ).problems.filter((p) => p.severity === "error");
  const key = (p: Problem) => `${p.code}\u0000${p.file}\u0000${p.message}`;
  const known = new Set(run(before).map(key));
  return run(after).filter((p) => touched.has(p.file) || !known.has(key(p)));
}

export interface ExportOptions {
  source: ConfigSource;
  schemas: SchemaSource;
}

export type ExportResult =
  | { ok: true; json: string; queues: number }
  | { ok: false; problems: Problem[]; counts: Awaited<ReturnType<typeof validateRepository>>["counts"] };

/** The tree as CRIC-shaped JSON; refused (with the problems) when the tree does not validate. */
export async function exportRepository(options: ExportOptions): Promise<ExportResult> {
  const validateOptions: ValidateOptions = { source: options.source, schemas: options.schemas };
  const report = await validateRepository(validateOptions);
  if (!report.valid) return { ok: false, problems: report.problems, counts: report.counts };
  const schemas = await options.schemas.readSchemas();
  return {
    ok: true,
    json: exportJson(report.tree, inheritableFields(schemas.queue)),
    queues: report.tree.queues.length,
  };
}

export interface DriftOptions {
  source: ConfigSource;
  schemas: SchemaSource;
  live: DumpText;
}

export interface DriftResult {
  report: DiffReport;
  /** Repository files that could not be parsed; their objects are not compared. */
  problems: Problem[];
  config: ResolvedConfig;
}

/** Labels of the two sides in the changelog: the repository (base) and CRIC (head). */
export const DRIFT_BASE = "repository";
export const DRIFT_HEAD = "CRIC (live)";

/**
 * The semantic diff between the repository and a live CRIC dump (base = repository, head = CRIC):
 * the dump is imported in memory on top of the repository, so fields siteops does not keep never
 * show, and contacts, owners and endpoints the repository adds are compared with themselves.
 */
export async function driftFromLive(options: DriftOptions): Promise<DriftResult> {
  const schemas = await options.schemas.readSchemas();
  const [sites, configFile] = await Promise.all([options.source.readSites(), options.source.readConfig()]);
  const config = loadConfig(configFile, schemas);
  const repository = new Map(sites.files.map((f) => [f.path, f.bytes]));
  const { pandaqueues } = parseDumps({ pandaqueues: options.live });
  const plan = planImport({
    queues: pandaqueues!,
    schemas,
    unmanaged: config.unmanaged,
    existing: repository,
    queuesReplaceTree: true,
  });
  // A placeholder parent stands in for a queue the dump lacks only where the repository has the
  // same placeholder; over a real record it would hide that CRIC does not have the queue.
  const statuses = fileStatuses(plan, repository, schemas);
  for (const stub of plan.stubs) if (statuses.get(stub) === "changed") plan.files.delete(stub);
  const result = diffRevisions({
    base: { id: DRIFT_BASE, files: repository },
    head: { id: DRIFT_HEAD, files: liveTree(repository, plan) },
    schemas,
    himemMbPerCore: config.himemMbPerCore,
  });
  const { problems, ...report } = result;
  return { report, problems: [...sites.problems, ...problems], config };
}

/** Parses every given dump; all problems of all dumps are reported together. */
function parseDumps(texts: Partial<Record<DumpKind, DumpText>>): Partial<Record<DumpKind, Dump>> {
  const problems: DumpProblem[] = [];
  const out: Partial<Record<DumpKind, Dump>> = {};
  for (const [kind, text] of Object.entries(texts) as [DumpKind, DumpText][]) {
    const result = parseDump(text.text, kind, text.source);
    if (result.dump) out[kind] = result.dump;
    else problems.push(...result.problems);
  }
  if (problems.length > 0) throw new DumpError(problems);
  return out;
}

/** The repository's settings with schema defaults; a broken config stops CRIC commands (it decides what is dropped). */
function loadConfig(file: SourceFile | undefined, schemas: SchemaSet): ResolvedConfig {
  if (!file) return resolveConfig({}, schemas.config);
  const parsed = parseYaml(file.path, file.bytes, { maxBytes: 1_048_576 });
  const errors = [
    ...parsed.problems.filter((p) => p.severity === "error"),
    ...(parsed.data
      ? createSchemaValidator(schemas).validate("config", parsed.data, {
          file: file.path,
          locate: parsed.locate,
          unmanaged: new Map(),
        })
      : []),
  ];
  if (errors.length > 0 || !parsed.data) {
    throw new OperationalError(
      `${file.path} is not valid, and it decides which CRIC fields are kept:\n${errors.map((p) => `  ${p.message}`).join("\n")}\nFix it (siteops validate shows every problem) and retry.`,
    );
  }
  return resolveConfig(parsed.data, schemas.config);
}
