import { inheritableFields, type ResolvedConfig, resolveConfig } from "../config.js";
import type { ATLASCloud } from "../generated/cloud.js";
import type { PanDAQueue } from "../generated/queue.js";
import type { ATLASSite } from "../generated/site.js";
import { type ParseResult, parseYaml } from "../load/parse-yaml.js";
import { readYaml } from "../load/read-yaml.js";
import type { FileKind, Locator, Problem, SourceFile } from "../model.js";
import { makeProblem, sortProblems } from "../problem.js";
import { compileTicketPatterns } from "../tickets.js";
import { CLOUDS, CONFIG_FILE, classifyPath, type LayoutEntry } from "../tree/layout.js";
import type { ConfigTree, Entry } from "../tree/tree.js";
import { crossRuleFields, crossRules, localRules, type RuleSettings, rules } from "./rules/index.js";
import { createSchemaValidator, type SchemaSet, type SchemaValidator } from "./schema-validator.js";

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
  /** Every path under `sites/` of the whole tree, and the cloud and site folders they are in. */
  paths: ReadonlySet<string>;
  cloudFolders: ReadonlySet<string>;
  /** `<CLOUD>/<SITE>`. */
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

function namesOf(kind: FileKind, data: Record<string, unknown>): { queues: string[]; endpoints: string[] } {
  const queues = kind === "queue" && typeof data.name === "string" ? [data.name] : [];
  const endpoints: string[] = [];
  if (kind === "site" && Array.isArray(data.ddmendpoints)) {
    for (const endpoint of data.ddmendpoints) {
      const name = (endpoint as { name?: unknown } | null)?.name;
      if (typeof name === "string") endpoints.push(name);
    }
  }
  return { queues, endpoints };
}

/** Reads `siteops.config.yaml` (defaults when absent or invalid), with the problems it has. */
export function loadTreeConfig(
  file: SourceFile | undefined,
  schemas: SchemaSet,
  validator: SchemaValidator,
): { config: ResolvedConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  return { config: loadConfig(file, schemas, validator, problems), problems };
}

function loadConfig(
  file: SourceFile | undefined,
  schemas: SchemaSet,
  validator: SchemaValidator,
  problems: Problem[],
): ResolvedConfig {
  if (!file) return resolveConfig({}, schemas.config);
  const parsed = readYaml(file.path, file.bytes, { maxBytes: 1_048_576 });
  problems.push(...parsed.problems);
  if (parsed.data === undefined) return resolveConfig({}, schemas.config);
  const configProblems = validator.validate("config", parsed.data, {
    file: file.path,
    locate: parsed.locate,
    unmanaged: new Map(),
  });
  problems.push(...configProblems);
  if (configProblems.length) return resolveConfig({}, schemas.config);
  const config = resolveConfig(parsed.data, schemas.config);
  for (const { index, message } of compileTicketPatterns(config.raw.tickets?.patterns ?? []).errors) {
    const path = ["tickets", "patterns", index, "regex"];
    const pos = parsed.locate(path);
    problems.push(
      makeProblem(
        {
          code: "config-invalid-regex",
          file: file.path,
          path,
          message: `${file.path}:${pos.line}:${pos.column}: ticket pattern is not a valid regular expression (${message}). Fix the expression.`,
        },
        parsed.locate,
      ),
    );
  }
  return config;
}

/** Every cloud folder needs its cloud.yaml and every site folder its site.yaml: they carry owners and contacts. */
function missingContainers(
  present: ReadonlySet<string>,
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

export { CONFIG_FILE };
