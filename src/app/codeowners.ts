import {
  buildCodeowners,
  CODEOWNERS_FILE,
  compareCodeowners,
  lastMatch,
  lintCodeowners,
  lintOwners,
  normalizePath,
  OTHER_CODEOWNERS_FILES,
  type OwnerLookup,
  type OwnershipMap,
  parseCodeowners,
} from "../core/codeowners/index.js";
import { OperationalError } from "../core/errors.js";
import type { Problem } from "../core/model.js";
import type { ConfigSource, SchemaSource } from "../core/ports.js";
import { sortProblems } from "../core/problem.js";
import { classifyPath } from "../core/tree/layout.js";
import { validateRepository } from "./validate.js";

/** Files of the repository outside sites/ (here: the CODEOWNERS files). */
export interface RepoFiles {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** Creates or replaces the file, creating its folders. */
  write(path: string, text: string): Promise<void>;
}

export interface CodeownersOptions {
  source: ConfigSource;
  schemas: SchemaSource;
}

export interface GeneratedCodeowners {
  /** The CODEOWNERS text for the tree (only trustworthy when `problems` has no errors). */
  text: string;
  map: OwnershipMap;
  /** Why the owners cannot be read completely: the tree's problems in owners, and missing owners. */
  problems: Problem[];
  /** Every file under sites/ (each must have an owner). */
  sitesFiles: string[];
}

const hasErrors = (problems: readonly Problem[]) => problems.some((p) => p.severity === "error");

/** Validates the tree and generates its CODEOWNERS text, with every problem that makes it incomplete. */
export async function generateCodeowners(options: CodeownersOptions): Promise<GeneratedCodeowners> {
  const sites = await options.source.readSites();
  const source: ConfigSource = {
    readSites: async () => sites,
    readConfig: () => options.source.readConfig(),
    readText: (path) => options.source.readText(path),
  };
  const report = await validateRepository({ source, schemas: options.schemas });
  const built = buildCodeowners(report.tree);
  const inTree = new Set([...report.tree.clouds, ...report.tree.sites].map((e) => e.file));
  const ownerFiles = sites.files
    .map((f) => f.path)
    .filter((path) => ["cloud", "site"].includes(classifyPath(path).kind));
  const broken = new Set(ownerFiles.filter((path) => !inTree.has(path)));
  for (const p of built.problems) if (p.code === "codeowners-no-owners") broken.add(p.file);
  // The tree's own errors explain why owners are missing: whole-file and `owners` problems.
  const explained = report.problems.filter(
    (p) =>
      p.severity === "error" &&
      (p.code === "missing-cloud-file" ||
        p.code === "missing-site-file" ||
        (broken.has(p.file) && (p.path === "" || p.path.startsWith("owners")))),
  );
  const problems = [...explained];
  for (const file of broken) {
    if (!explained.some((p) => p.file === file) && !built.problems.some((p) => p.file === file)) {
      problems.push({
        code: "codeowners-no-owners",
        severity: "error",
        file,
        line: 1,
        column: 1,
        path: "",
        message: `${file}: does not validate, so its owners are unknown. Fix it (\`npx siteops validate\`), then run \`npx siteops codeowners --write\`.`,
      });
    }
  }
  problems.push(...built.problems);
  return {
    text: built.text,
    map: built.map,
    problems: sortProblems(problems),
    sitesFiles: sites.files.map((f) => f.path),
  };
}

export interface WriteResult {
  /** Whether the file was (re)written; false when it was up to date or refused. */
  written: boolean;
  /** The problems that refused the write (empty when written or up to date). */
  problems: Problem[];
  map: OwnershipMap;
}

/** Writes `.github/CODEOWNERS` from the tree; refuses when the owners do not validate. */
export async function writeCodeowners(
  options: CodeownersOptions & { files: RepoFiles },
): Promise<WriteResult> {
  const generated = await generateCodeowners(options);
  const problems = [...generated.problems];
  if (!hasErrors(problems)) {
    // Defensive: the generated file must itself pass the static checks.
    problems.push(...lintCodeowners({ text: generated.text, mustBeOwned: generated.sitesFiles }));
  }
  if (hasErrors(problems)) return { written: false, problems: sortProblems(problems), map: generated.map };
  if ((await options.files.read(CODEOWNERS_FILE)) === generated.text)
    return { written: false, problems: [], map: generated.map };
  await options.files.write(CODEOWNERS_FILE, generated.text);
  return { written: true, problems: [], map: generated.map };
}

export interface CheckResult {
  valid: boolean;
  missing: boolean;
  stale: boolean;
  problems: Problem[];
  /** Checks that were skipped, and why (e.g. owners not checked against GitHub). */
  notes: string[];
  /** What `--write` would change, as a short unified diff (empty when up to date). */
  diff: string;
  /** Number of rules in the committed file. */
  rules: number;
}

/**
 * Checks the committed `.github/CODEOWNERS`: present, up to date with the tree, and clean under
 * the lint checks (syntax, size, shadowing, every file under sites/ owned, and owners that exist
 * when a `host` can be asked).
 */
export async function checkCodeowners(
  options: CodeownersOptions & { files: RepoFiles; host?: OwnerLookup },
): Promise<CheckResult> {
  const generated = await generateCodeowners(options);
  const committed = await options.files.read(CODEOWNERS_FILE);
  const problems = [...generated.problems];
  const notes: string[] = [];
  let diff = "";
  let stale = false;
  const staleness = compareCodeowners(committed, generated.text);
  if (staleness.problem?.code === "codeowners-missing") problems.push(staleness.problem);
  else if (staleness.problem && !hasErrors(generated.problems)) {
    // Staleness is only known when the tree's owners are complete.
    problems.push(staleness.problem);
    diff = staleness.diff;
    stale = true;
  }
  let rules = 0;
  if (committed !== undefined) {
    const parsed = parseCodeowners(committed);
    rules = parsed.rules.length;
    problems.push(...lintCodeowners({ text: committed, parsed, mustBeOwned: generated.sitesFiles }));
    const owners = await lintOwners(parsed.rules, options.host);
    problems.push(...owners.problems);
    notes.push(...owners.notes);
  }
  for (const other of OTHER_CODEOWNERS_FILES) {
    if ((await options.files.read(other)) === undefined) continue;
    problems.push({
      code: "codeowners-other-file",
      severity: "warning",
      file: other,
      line: 1,
      column: 1,
      path: "",
      message:
        committed === undefined
          ? `${other}: GitHub uses this file because ${CODEOWNERS_FILE} is missing, but siteops maintains only ${CODEOWNERS_FILE}. Delete it and run \`npx siteops codeowners --write\`.`
          : `${other}: GitHub ignores this file because ${CODEOWNERS_FILE} exists. Delete it so nobody edits the wrong file.`,
    });
  }
  const sorted = sortProblems(problems);
  return {
    valid: !hasErrors(sorted),
    missing: committed === undefined,
    stale,
    problems: sorted,
    notes,
    diff,
    rules,
  };
}

export interface PathOwners {
  path: string;
  owners: string[];
  /** The rule GitHub applies (the last match), when one matches. */
  line?: number;
  pattern?: string;
}

/** The owners of each path, from the committed `.github/CODEOWNERS` (what GitHub uses). */
export async function whoOwns(options: {
  files: RepoFiles;
  paths: readonly string[];
}): Promise<PathOwners[]> {
  const text = await options.files.read(CODEOWNERS_FILE);
  if (text === undefined) {
    throw new OperationalError(
      `${CODEOWNERS_FILE}: not found, so nobody owns any path yet. Run \`npx siteops codeowners --write\` first.`,
    );
  }
  const { rules } = parseCodeowners(text);
  return options.paths.map((raw) => {
    const path = normalizePath(raw);
    const rule = lastMatch(path, rules);
    return rule
      ? { path, owners: [...rule.owners], line: rule.line, pattern: rule.pattern }
      : { path, owners: [] };
  });
}
