import type { Problem } from "../model.js";
import { type CodeownersRule, type CompiledPattern, compilePattern } from "./match.js";

/** Where siteops keeps the file; GitHub reads `.github/CODEOWNERS` before `CODEOWNERS` and `docs/CODEOWNERS`. */
export const CODEOWNERS_FILE = ".github/CODEOWNERS";
/** The other places GitHub looks, in its order; ignored while `.github/CODEOWNERS` exists. */
export const OTHER_CODEOWNERS_FILES = ["CODEOWNERS", "docs/CODEOWNERS"] as const;

export interface ParsedCodeowners {
  rules: CodeownersRule[];
  problems: Problem[];
}

export type OwnerKind = "user" | "team" | "email";

const USER = /^@[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
const TEAM = /^@[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const EMAIL = /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/;

/** What an owner names, or undefined when GitHub cannot read it as an owner. */
export function ownerKind(owner: string): OwnerKind | undefined {
  if (USER.test(owner)) return "user";
  if (TEAM.test(owner)) return "team";
  if (EMAIL.test(owner)) return "email";
  return undefined;
}

/**
 * Parses CODEOWNERS text into rules (with 1-based line numbers) and syntax problems. Lines GitHub
 * skips (negation, character ranges, `\#`, `***`) become rules with `valid: false`, so they are
 * reported but never match; invalid owners are reported and left out of the rule's owners.
 */
export function parseCodeowners(text: string, file: string = CODEOWNERS_FILE): ParsedCodeowners {
  const rules: CodeownersRule[] = [];
  const problems: Problem[] = [];
  // Owners repeat on thousands of lines (the same teams per cloud): each is checked once.
  const kinds: OwnerKinds = new Map();
  let lineNo = 0;
  for (let at = 0; at <= text.length; ) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    at = end + 1;
    const number = ++lineNo;
    const problem: Report = (column, code, message, severity = "error") =>
      problems.push({
        code,
        severity,
        file,
        line: number,
        column,
        path: "",
        message: `${file}:${number}:${column}: ${message}`,
      });
    const rule = readRuleLine(line, kinds, problem);
    if (rule) rules.push(lazyRule(number, rule.pattern, rule.owners, rule.valid));
  }
  return { rules, problems };
}

/** Owner kinds already worked out, by owner text. */
export type OwnerKinds = Map<string, OwnerKind | undefined>;

/** Where a rule line's pattern is (`start` to `end`), or undefined for a blank or comment line. */
export function patternSpan(line: string): { start: number; end: number } | undefined {
  let i = 0;
  while (i < line.length && isSpace(line, i)) i++;
  if (i === line.length || line[i] === "#") return undefined;
  const start = i;
  // The pattern runs to the first unescaped space.
  while (i < line.length && !isSpace(line, i)) i += line[i] === "\\" && i + 1 < line.length ? 2 : 1;
  return { start, end: i };
}

/** Whether GitHub uses a pattern at all (see `checkPattern`); reports what it does not accept. */
export function patternIsValid(pattern: string, column: number, problem: Report = () => {}): boolean {
  return MAY_NEED_A_PROBLEM.test(pattern) ? checkPattern(pattern, column, problem) : true;
}

/** One line of the file: its pattern, whether GitHub uses it, and its usable owners. */
export function readRuleLine(
  line: string,
  kinds: OwnerKinds,
  problem: Report = () => {},
): { pattern: string; owners: string[]; valid: boolean } | undefined {
  const span = patternSpan(line);
  if (!span) return undefined;
  const pattern = line.slice(span.start, span.end);
  const valid = patternIsValid(pattern, span.start + 1, problem);
  const owners: string[] = [];
  let i = span.end;
  for (;;) {
    while (i < line.length && isSpace(line, i)) i++;
    if (i === line.length || line[i] === "#") break; // an inline comment ends the line
    const ownerAt = i;
    while (i < line.length && !isSpace(line, i)) i++;
    const owner = line.slice(ownerAt, i);
    let kind = kinds.get(owner);
    if (kind === undefined && !kinds.has(owner)) {
      kind = ownerKind(owner);
      kinds.set(owner, kind);
    }
    if (kind === undefined) {
      const guess = !owner.startsWith("@") && ownerKind(`@${owner}`) ? ` Did you mean \`@${owner}\`?` : "";
      problem(
        ownerAt + 1,
        "codeowners-invalid-owner",
        `\`${owner}\` is not a valid owner; GitHub ignores it. Write \`@user\`, \`@org/team\` or an e-mail address.${guess}`,
      );
    } else owners.push(owner);
  }
  return { pattern, owners, valid };
}

/** Characters `checkPattern` reports on; a pattern with none of them is valid as it stands. */
const MAY_NEED_A_PROBLEM = /[!\\[\]#]|\*\*\*/;

/** Whitespace as `\s` reads it, tested without a regular expression for ASCII. */
function isSpace(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(line[i]!);
}

function lazyRule(line: number, pattern: string, owners: string[], valid: boolean): CodeownersRule {
  // Compiled on first use: most rules of a large file are never tried (see `lastMatch`).
  let compiled: CompiledPattern | undefined;
  return {
    line,
    pattern,
    owners,
    valid,
    get compiled() {
      compiled ??= compilePattern(pattern);
      return compiled;
    },
  };
}

export type Report = (column: number, code: string, message: string, severity?: Problem["severity"]) => void;

/** Reports what GitHub does not accept in a pattern; false when GitHub skips the whole line. */
function checkPattern(pattern: string, column: number, problem: Report): boolean {
  if (pattern.startsWith("!")) {
    problem(
      column,
      "codeowners-negation",
      `\`${pattern}\`: negation with \`!\` does not work in CODEOWNERS, so GitHub skips this line. To leave files without owners, write their pattern with no owners after the rule that owns them.`,
    );
    return false;
  }
  if (pattern.startsWith("\\#")) {
    problem(
      column,
      "codeowners-escape",
      `\`${pattern}\`: escaping \`#\` with \`\\\` does not work in CODEOWNERS, so this rule never matches a file named \`${pattern.slice(1)}\`. Match the \`#\` with \`?\` (\`?${pattern.slice(2)}\`) or rename the file.`,
    );
    return false;
  }
  let valid = true;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      if (i + 1 === pattern.length) {
        problem(
          column + i,
          "codeowners-syntax",
          `\`${pattern}\` ends with a lone \`\\\`, which escapes nothing, so GitHub skips this line. Remove it.`,
        );
        valid = false;
      }
      i++;
    } else if (ch === "[" || ch === "]") {
      problem(
        column + i,
        "codeowners-range",
        `\`${pattern}\`: character ranges with \`[ ]\` do not work in CODEOWNERS, so GitHub skips this line. Write one line per name, or escape literal brackets as \`\\[\` and \`\\]\`.`,
      );
      return false;
    } else if (ch === "#") {
      problem(
        column + i,
        "codeowners-syntax",
        `\`${pattern}\` contains \`#\`, which GitHub may read as the start of a comment. Match that character with \`?\` instead.`,
        "warning",
      );
    }
  }
  if (pattern.includes("***")) {
    problem(
      column + pattern.indexOf("***"),
      "codeowners-syntax",
      `\`${pattern}\`: \`***\` is not a valid pattern, so GitHub skips this line. Did you mean \`**\`?`,
    );
    valid = false;
  }
  return valid;
}
