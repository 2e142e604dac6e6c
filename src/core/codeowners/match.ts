/**
 * GitHub's CODEOWNERS matching, exactly (docs.github.com "About code owners"):
 * gitignore-like patterns without `!`, `[ ]` or `\#`; case-sensitive; the last matching rule wins
 * and rules are never merged; a rule without owners makes the files it matches unowned.
 */

/** One piece of a path segment: literal text, `*` (any run of non-`/` characters) or `?` (one). */
export type Token = { kind: "literal"; text: string } | { kind: "star" } | { kind: "any" };

/** A path segment of a pattern: `**` (any number of folders) or a sequence of tokens. */
export type Segment = { kind: "globstar" } | { kind: "name"; tokens: Token[] };

export interface CompiledPattern {
  /** The pattern as written in the file (escapes included). */
  source: string;
  /**
   * The pattern as segments, normalised: an unanchored pattern (no `/` except a trailing one)
   * starts with a globstar, and a trailing `/` is a trailing globstar (everything below).
   */
  segments: Segment[];
  regex: RegExp;
}

/** A parsed CODEOWNERS line: a pattern and its owners. */
export interface CodeownersRule {
  /** 1-based line number in the file. */
  line: number;
  pattern: string;
  /** Owners GitHub can use (syntactically valid), in file order; empty for an unowning rule. */
  owners: string[];
  /** False when GitHub skips the line (negation, character range, `\#`, invalid pattern). */
  valid: boolean;
  compiled: CompiledPattern;
}

/** Splits a pattern into segments of tokens, honouring `\` escapes (the escaped character is literal). */
function tokenize(pattern: string): { segments: Token[][]; raw: string[] } {
  const segments: Token[][] = [[]];
  const raw: string[] = [""];
  let literal = "";
  const flush = () => {
    if (literal) segments.at(-1)!.push({ kind: "literal", text: literal });
    literal = "";
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\" && i + 1 < pattern.length) {
      literal += pattern[++i]!;
      raw[raw.length - 1] += `\\${pattern[i]!}`;
      continue;
    }
    if (ch === "/") {
      flush();
      segments.push([]);
      raw.push("");
      continue;
    }
    raw[raw.length - 1] += ch;
    if (ch === "*" || ch === "?") {
      flush();
      segments.at(-1)!.push(ch === "*" ? { kind: "star" } : { kind: "any" });
    } else literal += ch;
  }
  flush();
  return { segments, raw };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function tokensRegex(tokens: readonly Token[]): string {
  return tokens
    .map((t) => (t.kind === "literal" ? escapeRegex(t.text) : t.kind === "star" ? "[^/]*" : "[^/]"))
    .join("");
}

const isLoneStar = (s: Segment) => s.kind === "name" && s.tokens.length === 1 && s.tokens[0]!.kind === "star";

/** Compiles a CODEOWNERS pattern (as written, escapes included) into segments and a regular expression. */
export function compilePattern(pattern: string): CompiledPattern {
  const { segments: parts, raw } = tokenize(pattern);
  const leadingSlash = raw.length > 1 && raw[0] === "";
  const trailingSlash = raw.length > 1 && raw.at(-1) === "";
  const start = leadingSlash ? 1 : 0;
  const end = raw.length - (trailingSlash ? 1 : 0);
  // `/` alone (or nothing) names no file: GitHub matches nothing with it.
  if (end <= start) return { source: pattern, segments: [], regex: /(?!)/ };
  let segments: Segment[] = [];
  const globstar = () => {
    // `**/**` is `**`.
    if (segments.at(-1)?.kind !== "globstar") segments.push({ kind: "globstar" });
  };
  for (let i = start; i < end; i++) {
    if (raw[i] === "**") globstar();
    else segments.push({ kind: "name", tokens: parts[i] ?? [] });
  }
  if (trailingSlash) globstar();
  // No slash except a trailing one: the pattern matches at any depth (like a leading `**/`).
  const anchored = leadingSlash || end - start > 1;
  if (!anchored && segments[0]?.kind !== "globstar") segments = [{ kind: "globstar" }, ...segments];
  // Built on first use: a CODEOWNERS file of thousands of rules is mostly looked up by folder.
  let regex: RegExp | undefined;
  return {
    source: pattern,
    segments,
    get regex() {
      regex ??= buildRegex(segments);
      return regex;
    },
  };
}

function buildRegex(segments: readonly Segment[]): RegExp {
  const last = segments.length - 1;
  let re = "^";
  let needSlash = false;
  segments.forEach((segment, i) => {
    if (segment.kind === "globstar") {
      if (i === 0 && i === last) re += ".+";
      else if (i === 0) re += "(?:.+/)?";
      else if (i === last) re += "/.+";
      else re += "(?:/.+)?";
      needSlash = i !== 0;
      return;
    }
    if (needSlash) re += "/";
    if (isLoneStar(segment)) re += "[^/]+";
    else re += tokensRegex(segment.tokens);
    // A name matches a file, or a folder and everything below it; GitHub's exception: a final
    // lone `*` (as in `docs/*`) matches only the files directly inside, not deeper ones.
    if (i === last && !isLoneStar(segment)) re += "(?:/.*)?";
    needSlash = true;
  });
  return new RegExp(`${re}$`);
}

/** Normalises a repository path for matching: `/` separators, no leading `./` or `/`. */
export function normalizePath(path: string): string {
  return path
    .replace(/\\/g, "/")
    .replace(/^(?:\.\/|\/)+/, "")
    .replace(/\/+$/, "");
}

export function patternMatches(compiled: CompiledPattern, path: string): boolean {
  return compiled.regex.test(normalizePath(path));
}

/**
 * Rule positions by the folders they are anchored to: a rule whose pattern starts with plain
 * names (`/sites/US/AGLT2/`) can only match paths that start with them, so a file of thousands of
 * per-site rules is not tried line by line for every path.
 */
interface RuleIndex {
  byPrefix: Map<string, number[]>;
  /** Rules that may match anywhere (globs or `**` in front). */
  floating: number[];
}

const indexes = new WeakMap<readonly CodeownersRule[], RuleIndex>();

function ruleIndex(rules: readonly CodeownersRule[]): RuleIndex {
  let index = indexes.get(rules);
  if (index) return index;
  index = { byPrefix: new Map(), floating: [] };
  rules.forEach((rule, i) => {
    if (!rule.valid) return;
    const prefix = plainAnchoredPrefix(rule.pattern) ?? literalPrefix(rule.compiled);
    if (prefix.length === 0) {
      index!.floating.push(i);
      return;
    }
    const key = prefix.join("/");
    const list = index!.byPrefix.get(key);
    if (list) list.push(i);
    else index!.byPrefix.set(key, [i]);
  });
  indexes.set(rules, index);
  return index;
}

/**
 * `literalPrefix` of a pattern without any special character, read from the text without
 * compiling it: `/sites/US/AGLT2/` gives its three names; undefined when the pattern has special
 * characters (compile it) and [] when it is unanchored (it may match at any depth).
 */
function plainAnchoredPrefix(pattern: string): string[] | undefined {
  if (/[*?\\[\]]/.test(pattern)) return undefined;
  const names = pattern.split("/").filter((name) => name !== "");
  return isAnchored(pattern) && names.length > 0 ? names : [];
}

/** A pattern with a leading `/` or a `/` before its end matches from the root only, not at any depth. */
export function isAnchored(pattern: string): boolean {
  return pattern.startsWith("/") || pattern.replace(/\/+$/, "").includes("/");
}

/** The rule GitHub applies to a path: the last valid rule that matches it, or undefined. */
export function lastMatch(path: string, rules: readonly CodeownersRule[]): CodeownersRule | undefined {
  const normalized = normalizePath(path);
  const index = ruleIndex(rules);
  const candidates = [...index.floating];
  const parts = normalized.split("/");
  for (let n = 1; n <= parts.length; n++) {
    const list = index.byPrefix.get(parts.slice(0, n).join("/"));
    if (list) candidates.push(...list);
  }
  candidates.sort((a, b) => b - a);
  for (const i of candidates) {
    const rule = rules[i]!;
    if (rule.compiled.regex.test(normalized)) return rule;
  }
  return undefined;
}

/** The owners GitHub requests for a path; empty when no rule matches or the last match has no owners. */
export function ownersOf(path: string, rules: readonly CodeownersRule[]): string[] {
  return [...(lastMatch(path, rules)?.owners ?? [])];
}

const isCatchAll = (p: CompiledPattern) =>
  p.segments.length > 0 &&
  p.segments.every((s, i) => s.kind === "globstar" || (i === p.segments.length - 1 && isLoneStar(s)));

/** The leading segments that are plain names (one literal token each), as strings. */
function literalPrefix(p: CompiledPattern): string[] {
  const prefix: string[] = [];
  for (const s of p.segments) {
    if (s.kind !== "name" || s.tokens.length !== 1 || s.tokens[0]!.kind !== "literal") break;
    prefix.push(s.tokens[0]!.text);
  }
  return prefix;
}

/**
 * Whether `later` matches every path `earlier` matches (so `earlier` never takes effect when
 * `later` comes after it). Exact for catch-alls (`*`, `**`), identical patterns, and anchored
 * literal files and folders (`/sites/US/`, `/siteops.config.yaml`) against anything anchored
 * below them; other combinations answer false (never a false alarm).
 */
export function patternCovers(later: CompiledPattern, earlier: CompiledPattern): boolean {
  if (isCatchAll(later)) return true;
  if (later.regex.source === earlier.regex.source) return true;
  const base = literalPrefix(later);
  if (base.length === 0) return false;
  const rest = later.segments.slice(base.length);
  const folderOnly = rest.length === 1 && rest[0]!.kind === "globstar";
  if (rest.length > 0 && !folderOnly) return false;
  const prefix = literalPrefix(earlier);
  if (prefix.length < base.length || base.some((name, i) => prefix[i] !== name)) return false;
  // `/a/` matches only below a; `/a` also matches a file named a.
  return !folderOnly || earlier.segments.length > base.length;
}
