import { inheritableFields, type ResolvedConfig } from "../config.js";
import type { ATLASCloud } from "../generated/cloud.js";
import type { PanDAQueue } from "../generated/queue.js";
import type { ATLASSite } from "../generated/site.js";
import { type ParseResult, parseYaml } from "../load/parse-yaml.js";
import type { Locator, Problem, SourceFile } from "../model.js";
import { makeProblem, sortProblems } from "../problem.js";
import { CLOUDS, CONFIG_FILE, classifyPath, type LayoutEntry } from "../tree/layout.js";
import type { ConfigTree, Entry } from "../tree/tree.js";
import { checkFile, type FileCheck } from "./check-file.js";
import { crossRuleFields, crossRules, localRules, type RuleSettings, rules } from "./rules/index.js";
import { createSchemaValidator, type SchemaSet, type SchemaValidator } from "./schema-validator.js";
import { loadTreeConfig } from "./tree-config.js";

export interface TreeInput {
  /** Every file found under `sites/`, paths relative to the repository root. */
  files: readonly SourceFile[];
  /** Problems the reader already found (symlinks, unreadable or oversized files). */
  readProblems: readonly Problem[];
  /** `siteops.config.yaml`, when the repository has one. */
  configFile: SourceFile | undefined;
  schemas: SchemaSet;
  /**
   * `careful` parses every file with the position-keeping parser (the reference behaviour the fast
   * path is tested against); the default reads plain files fast and locates problems on demand.
   */
  parser?: "fast" | "careful";
  /** Called after each file is checked; lets a terminal show progress. */
  onProgress?: (done: number, total: number) => void;
  /** Set when `files` is only the part of a tree a change can affect (see `scope.ts`). */
  scope?: TreeScope;
  /**
   * Files the caller already read with the fast reader and no smaller size limit, by path: used
   * instead of parsing the same bytes again.
   */
  alreadyRead?: ReadonlyMap<string, ParseResult>;
}

/**
 * What a partial validation needs to know about the rest of the tree: `files` then hold the files
 * to report on plus the files they refer to, and only problems in `report` files are reported.
 */
export interface TreeScope {
  /** Every path under `sites/` of the whole tree. */
  paths: { has(path: string): boolean };
  /**
   * The cloud and site folders (`<CLOUD>/<SITE>`) that must have a cloud.yaml or site.yaml: those
   * the change touched (elsewhere nothing changed; see `TreeIndex.containers`).
   */
  cloudFolders: ReadonlySet<string>;
  siteFolders: ReadonlySet<string>;
  /**
   * Every queue file of the whole tree with its name as the file name gives it; for "did you
   * mean" suggestions, files that were read are named by their content instead.
   */
  queueFiles: () => readonly { path: string; name: string }[];
  /** The files whose problems are reported; the other files are context. */
  report: ReadonlySet<string>;
}

export interface Counts {
  clouds: number;
  sites: number;
  queues: number;
  ddmendpoints: number;
}

/** What a validation finds: problems, counts and the settings it used. */
export interface ValidationReport {
  valid: boolean;
  counts: Counts;
  problems: Problem[];
  config: ResolvedConfig;
}

export interface TreeReport extends ValidationReport {
  tree: ConfigTree;
}

/** Validates a whole configuration tree: each file against its schema, then every cross-object rule. */
export function validateTree(
  input: TreeInput,
  validator: SchemaValidator = createSchemaValidator(input.schemas),
): TreeReport {
  const problems: Problem[] = [...input.readProblems];
  const { config, problems: configProblems } = loadTreeConfig(input.configFile, input.schemas, validator);
  problems.push(...configProblems);
  const checks = input.files.map((source) =>
    checkFile(source, config, validator, input.parser, input.alreadyRead?.get(source.path)),
  );
  const byPath = new Map(input.files.map((f) => [f.path, f]));
  const { tree, counts, cloudFolders, siteFolders } = collectChecks(
    checks,
    (path) => byPath.get(path),
    config.maxFileBytes,
    problems,
    input.onProgress,
  );
  const scope = input.scope;
  problems.push(
    ...(scope
      ? missingContainers(scope.paths, scope.cloudFolders, scope.siteFolders)
      : missingContainers(new Set(input.files.map((f) => f.path)), cloudFolders, siteFolders)),
  );
  const context = {
    tree,
    settings: ruleSettings(config, input.schemas),
    // Built only if a suggestion is needed: it walks every queue of the whole tree.
    ...(scope ? { queueNames: () => wholeTreeQueueNames(scope, tree, byPath) } : {}),
  };
  for (const rule of rules) problems.push(...rule(context));
  // Context files are read only to answer questions about the reported ones.
  const inScope = (p: Problem) => !scope || !byPath.has(p.file) || scope.report.has(p.file);
  const sorted = sortProblems(problems.filter(inScope));
  return { valid: !sorted.some((p) => p.severity === "error"), counts, problems: sorted, tree, config };
}

/** Files of a whole tree, each already checked on its own by `checkAlone` (elsewhere, e.g. in other threads). */
export interface CheckedTreeInput {
  /** One check per file that could be read, in path order. */
  checks: readonly LocalCheck[];
  /** Problems of reading the tree and its files. */
  readProblems: readonly Problem[];
  config: ResolvedConfig;
  /** Problems of `siteops.config.yaml` (see `loadTreeConfig`). */
  configProblems: readonly Problem[];
  schemas: SchemaSet;
  /**
   * The file at `path` again, for a position in a problem the cross-object rules find: the checks
   * carry only what those rules read, not the file.
   */
  reread: (path: string) => SourceFile | undefined;
}

/**
 * Finishes a whole-tree validation from per-file checks: the same report as `validateTree` on
 * the same files, without holding their data (only what the cross-object rules read).
 */
export function validateCheckedTree(input: CheckedTreeInput): ValidationReport {
  const problems: Problem[] = [...input.readProblems, ...input.configProblems];
  const { config } = input;
  const { tree, counts, cloudFolders, siteFolders } = collectChecks(
    input.checks,
    input.reread,
    config.maxFileBytes,
    problems,
  );
  problems.push(...missingContainers(new Set(input.checks.map((c) => c.path)), cloudFolders, siteFolders));
  const context = { tree, settings: ruleSettings(config, input.schemas) };
  for (const rule of crossRules) problems.push(...rule(context));
  const sorted = sortProblems(problems);
  return { valid: !sorted.some((p) => p.severity === "error"), counts, problems: sorted, config };
}

function ruleSettings(config: ResolvedConfig, schemas: SchemaSet): RuleSettings {
  return { himemMbPerCore: config.himemMbPerCore, inheritable: inheritableFields(schemas.queue) };
}

function emptyTree(): ConfigTree {
  return { clouds: [], sites: [], queues: [], invalidNames: { queues: new Set(), endpoints: new Set() } };
}

/**
 * Puts checked files into a tree for the rules, adding their problems to `problems`. A file's
 * positions are computed again (from `sourceOf`) only when a rule reports a problem in it.
 */
function collectChecks(
  checks: readonly FileCheck[],
  sourceOf: (path: string) => SourceFile | undefined,
  maxFileBytes: number,
  problems: Problem[],
  onProgress?: (done: number, total: number) => void,
): { tree: ConfigTree; counts: Counts; cloudFolders: Set<string>; siteFolders: Set<string> } {
  const tree = emptyTree();
  const counts: Counts = { clouds: 0, sites: 0, queues: 0, ddmendpoints: 0 };
  const cloudFolders = new Set<string>();
  const siteFolders = new Set<string>();
  const total = checks.length;
  let done = 0;
  for (const check of checks) {
    onProgress?.(++done, total);
    problems.push(...check.problems);
    const entry = classifyPath(check.path);
    if (entry.kind === "documentation" || entry.kind === "unexpected") continue;
    cloudFolders.add(entry.cloud);
    if (entry.kind !== "cloud") siteFolders.add(`${entry.cloud}/${entry.site}`);
    if (!check.parsed) continue;
    counts[entry.kind === "cloud" ? "clouds" : entry.kind === "site" ? "sites" : "queues"]++;
    counts.ddmendpoints += check.endpointCount;
    for (const name of check.invalidNames.queues) tree.invalidNames.queues.add(name);
    for (const name of check.invalidNames.endpoints) tree.invalidNames.endpoints.add(name);
    if (!check.data) continue;
    let located: Locator | undefined = check.locate;
    const locate: Locator = (path, target) => {
      if (!located) {
        const source = sourceOf(check.path);
        located = parseYaml(
          check.path,
          source?.bytes ?? new Uint8Array(),
          { maxBytes: maxFileBytes },
          source?.size,
        ).locate;
      }
      return located(path, target);
    };
    addEntry(tree, entry, check, locate);
  }
  return { tree, counts, cloudFolders, siteFolders };
}

/** Adds a checked file's object to the tree, where the layout says it belongs. */
function addEntry(
  tree: ConfigTree,
  entry: Extract<LayoutEntry, { kind: "cloud" | "site" | "queue" }>,
  check: { path: string; data?: Record<string, unknown>; pruned?: string[] },
  locate: Locator,
): void {
  const file = check.path;
  const data = (check.data ?? {}) as unknown;
  // Plain literals of one shape each: trees hold thousands of entries.
  const added: Entry<unknown> =
    entry.kind === "cloud"
      ? push(tree.clouds, { file, locate, data: data as ATLASCloud, folder: entry.cloud })
      : entry.kind === "site"
        ? push(tree.sites, {
            file,
            locate,
            data: data as ATLASSite,
            cloudFolder: entry.cloud,
            folder: entry.site,
          })
        : push(tree.queues, {
            file,
            locate,
            data: data as PanDAQueue,
            cloudFolder: entry.cloud,
            siteFolder: entry.site,
            fileName: entry.queue,
          });
  if (check.pruned) added.pruned = new Set(check.pruned);
}

function push<T>(list: T[], item: T): T {
  list.push(item);
  return item;
}

/** Queue names as a full validation would see them: read files by content, the others by file name. */
function wholeTreeQueueNames(
  scope: TreeScope,
  tree: ConfigTree,
  files: ReadonlyMap<string, SourceFile>,
): string[] {
  const read = new Map(tree.queues.map((q) => [q.file, q.data.name]));
  const names = new Set<string>();
  for (const { path, name } of scope.queueFiles()) {
    if (!files.has(path)) names.add(name);
    else if (read.has(path)) names.add(read.get(path)!);
  }
  return [...names];
}

/** A file checked on its own: `FileCheck` without the file, its data cut to what `crossRules` read. */
export type LocalCheck = Omit<FileCheck, "locate">;

/** What checking one file on its own needs besides the file and the schemas. */
export interface LocalSettings extends RuleSettings {
  maxFileBytes: number;
  unmanaged: ReadonlyMap<string, string>;
}

/**
 * Everything a whole-tree validation finds in one file alone: parse, schema and the rules that
 * look at one object (`localRules`). What the other rules need travels on in `data`
 * (`crossRuleFields`), so a caller can check files elsewhere and keep only that.
 */
export function checkAlone(
  source: SourceFile,
  settings: LocalSettings,
  validator: SchemaValidator,
): LocalCheck {
  const { locate, ...check } = checkFile(source, settings, validator);
  const entry = classifyPath(check.path);
  if (!check.data || !locate || entry.kind === "documentation" || entry.kind === "unexpected") return check;
  const tree = emptyTree();
  addEntry(tree, entry, check, locate);
  const context = {
    tree,
    settings: { himemMbPerCore: settings.himemMbPerCore, inheritable: settings.inheritable },
  };
  const problems = [...check.problems];
  for (const rule of localRules) problems.push(...rule(context));
  return { ...check, problems, data: crossRuleFields(entry.kind, check.data) };
}

/** Every cloud folder needs its cloud.yaml and every site folder its site.yaml: they carry owners and contacts. */
function missingContainers(
  present: { has(path: string): boolean },
  clouds: ReadonlySet<string>,
  sites: ReadonlySet<string>,
): Problem[] {
  const problems: Problem[] = [];
  for (const cloud of [...clouds].sort()) {
    const path = `sites/${cloud}/cloud.yaml`;
    if (!present.has(path) && (CLOUDS as readonly string[]).includes(cloud)) {
      problems.push(
        makeProblem({
          code: "missing-cloud-file",
          file: path,
          message: `${path}: cloud folder sites/${cloud}/ has no cloud.yaml, so its owners and support list are unknown. Create it (see README, "Layout").`,
        }),
      );
    }
  }
  for (const site of [...sites].sort()) {
    const path = `sites/${site}/site.yaml`;
    if (!present.has(path)) {
      problems.push(
        makeProblem({
          code: "missing-site-file",
          file: path,
          message: `${path}: site folder sites/${site}/ has queues but no site.yaml, so its contacts and owners are unknown. Create it (see README, "Layout").`,
        }),
      );
    }
  }
  return problems;
}

export { checkFile, type FileCheck } from "./check-file.js";
export { loadTreeConfig } from "./tree-config.js";
export { CONFIG_FILE };
