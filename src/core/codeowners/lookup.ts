import { type CompiledPattern, compilePattern, isAnchored, normalizePath } from "./match.js";
import { type OwnerKinds, patternIsValid, patternSpan, readRuleLine } from "./parse.js";

/** A rule line as far as looking a path up needs it. */
interface LinePattern {
  /** Text every path it matches starts with (anchored patterns), or undefined (it may match anywhere). */
  prefix: string | undefined;
  compiled: CompiledPattern | undefined;
  pattern: string;
}

/**
 * The owners GitHub requests for a path, read from CODEOWNERS text without parsing every rule:
 * GitHub applies the last matching rule, so lines are tried from the bottom, a line's pattern is
 * read and compiled the first time a path reaches it, and a path skips an anchored pattern it does
 * not start with. Only the matching line's owners are read. A pull request asks about a few files,
 * while a generated file has a rule per site; this answers exactly as
 * `ownersOf(path, parseCodeowners(text).rules)` (a test compares the two).
 */
export function codeownersLookup(text: string): (path: string) => string[] {
  const lines = text.split("\n");
  const read: (LinePattern | null | undefined)[] = new Array(lines.length);
  const kinds: OwnerKinds = new Map();
  const answers = new Map<string, readonly string[]>();
  const lineText = (i: number) => {
    const line = lines[i]!;
    return line.endsWith("\r") ? line.slice(0, -1) : line;
  };
  const patternAt = (i: number): LinePattern | null => {
    let entry = read[i];
    if (entry === undefined) {
      const line = lineText(i);
      const span = patternSpan(line);
      const pattern = span ? line.slice(span.start, span.end) : "";
      entry =
        span && patternIsValid(pattern, span.start + 1)
          ? { pattern, prefix: anchoredPrefix(pattern), compiled: undefined }
          : null;
      read[i] = entry;
    }
    return entry;
  };
  return (path) => {
    const normalized = normalizePath(path);
    let owners = answers.get(normalized);
    if (!owners) {
      owners = [];
      for (let i = lines.length - 1; i >= 0; i--) {
        const entry = patternAt(i);
        if (!entry || (entry.prefix !== undefined && !normalized.startsWith(entry.prefix))) continue;
        entry.compiled ??= compilePattern(entry.pattern);
        if (!entry.compiled.regex.test(normalized)) continue;
        owners = readRuleLine(lineText(i), kinds)!.owners;
        break;
      }
      answers.set(normalized, owners);
    }
    return [...owners];
  };
}

/**
 * The literal start of an anchored pattern (a leading `/`, or a `/` before its end), which every
 * path it matches starts with: `/sites/US/*.yaml` gives `sites/US/`. Undefined for unanchored
 * patterns, which match at any depth.
 */
function anchoredPrefix(pattern: string): string | undefined {
  if (!isAnchored(pattern)) return undefined;
  const body = pattern.startsWith("/") ? pattern.slice(1) : pattern;
  const special = body.search(/[*?\\[]/);
  return special < 0 ? body : body.slice(0, special);
}
