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
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const start = line.length - line.trimStart().length;
    if (start === line.length || line[start] === "#") return;
    const problem = (
      column: number,
      code: string,
      message: string,
      severity: Problem["severity"] = "error",
    ) =>
      problems.push({
        code,
        severity,
        file,
        line: lineNo,
        column,
        path: "",
        message: `${file}:${lineNo}:${column}: ${message}`,
      });
    let i = start;
    let pattern = "";
    while (i < line.length && !/\s/.test(line[i]!)) {
      if (line[i] === "\\" && i + 1 < line.length) {
        pattern += line.slice(i, i + 2);
        i += 2;
      } else pattern += line[i++];
    }
    const valid = checkPattern(pattern, start + 1, problem);
    const owners: string[] = [];
    for (const match of line.slice(i).matchAll(/\S+/g)) {
      const owner = match[0];
      if (owner.startsWith("#")) break; // an inline comment ends the line
      const column = i + match.index + 1;
      if (ownerKind(owner) === undefined) {
        const guess = !owner.startsWith("@") && ownerKind(`@${owner}`) ? ` Did you mean \`@${owner}\`?` : "";
        problem(
          column,
          "codeowners-invalid-owner",
          `\`${owner}\` is not a valid owner; GitHub ignores it. Write \`@user\`, \`@org/team\` or an e-mail address.${guess}`,
        );
      } else owners.push(owner);
    }
    // Compiled on first use: most rules of a large file are never tried (see `lastMatch`).
    let compiled: CompiledPattern | undefined;
    rules.push({
      line: lineNo,
      pattern,
      owners,
      valid,
      get compiled() {
        compiled ??= compilePattern(pattern);
        return compiled;
      },
    });
  });
  return { rules, problems };
}

type Report = (column: number, code: string, message: string, severity?: Problem["severity"]) => void;

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
