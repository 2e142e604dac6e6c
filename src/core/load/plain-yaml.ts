import jsYaml from "js-yaml";

/**
 * A reader for the block-style YAML that configuration files are written in: mappings with plain
 * keys, `- ` lists (with `- key: value` items), one-line plain and quoted scalars, `[]`, `{}` and
 * comments. It returns `undefined` for anything else (flow collections with content, block and
 * multi-line scalars, escapes, anchors, tags, document markers, duplicate keys, odd or deep
 * indentation, non-printable characters, `\r`, keys that reach Object's prototype), and the caller
 * then uses js-yaml or the careful parser. It runs first, so it gives up on everything the careful
 * parser reports as a problem. Where it returns data, the data is what js-yaml returns for the
 * same text with the core schema: plain scalars are resolved by js-yaml's own core-schema types,
 * and a property test compares the two readers.
 *
 * Why it exists: js-yaml is a general parser and was over a third of a full validation's time.
 * Configuration files use a small part of YAML, which a line scanner reads several times faster.
 */
export function readPlainYaml(text: string): Record<string, unknown> | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  const lines = scanLines(text);
  if (lines === undefined || lines.count === 0) return undefined;
  const reader = new BlockReader(text, lines);
  try {
    const root = reader.node(0, lines.indent[0]!);
    if (reader.line !== lines.count) return undefined;
    if (root === null || typeof root !== "object" || Array.isArray(root)) return undefined;
    return root as Record<string, unknown>;
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

/**
 * Characters js-yaml refuses or treats specially, and `\t`, `\r` and the BOM, which it accepts in
 * ways not worth copying.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const UNSUPPORTED_CHARACTERS = /[\x00-\x09\x0B-\x1F\x7F-\x9F\uFEFF\uFFFE\uFFFF\u2028\u2029]/;

/** Thrown inside the reader to give up; never escapes `readPlainYaml`. */
const NOT_PLAIN = Symbol("not plain YAML");

interface Lines {
  /** Content lines only (blank and comment-only lines are skipped). */
  count: number;
  indent: number[];
  /** Offset of the first non-space character; a `- key:` item moves it to the key. */
  start: number[];
  /** Offset of the line's end (its `\n`, or the text's end). */
  end: number[];
}

/** Deepest indentation read here, well inside the careful parser's limit (64 levels, 128 spaces). */
const MAX_INDENT = 64;

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;

function scanLines(text: string): Lines | undefined {
  const lines: Lines = { count: 0, indent: [], start: [], end: [] };
  let at = 0;
  while (at <= text.length) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    let first = at;
    while (first < end && text.charCodeAt(first) === SPACE) first++;
    if (first < end && text.charCodeAt(first) !== HASH) {
      if (first === at && isDocumentMarker(text, first, end)) return undefined;
      // The careful parser refuses absurd nesting; no configuration file comes near this.
      if (first - at > MAX_INDENT) return undefined;
      lines.indent.push(first - at);
      lines.start.push(first);
      lines.end.push(end);
      lines.count++;
    }
    at = end + 1;
  }
  return lines;
}

/** `---`, `...` and `%` directives at the start of a line belong to multi-document YAML. */
function isDocumentMarker(text: string, at: number, end: number): boolean {
  const c = text[at];
  if (c === "%") return true;
  if ((c !== "-" && c !== ".") || text[at + 1] !== c || text[at + 2] !== c) return false;
  return at + 3 === end || text.charCodeAt(at + 3) === SPACE;
}

class BlockReader {
  /** The next content line to read. */
  line = 0;

  constructor(
    private readonly text: string,
    private readonly lines: Lines,
  ) {}

  /** The block node whose first line is `line`, indented by `indent`. */
  node(line: number, indent: number): unknown {
    this.line = line;
    return this.isItem(line) ? this.sequence(indent) : this.mapping(indent);
  }

  private isItem(line: number): boolean {
    const at = this.lines.start[line]!;
    if (this.text.charCodeAt(at) !== DASH) return false;
    return at + 1 === this.lines.end[line] || this.text.charCodeAt(at + 1) === SPACE;
  }

  private mapping(indent: number): Record<string, unknown> {
    const { text, lines } = this;
    const map: Record<string, unknown> = {};
    while (this.line < lines.count) {
      const line = this.line;
      const lineIndent = lines.indent[line]!;
      if (lineIndent < indent) break;
      if (lineIndent > indent || this.isItem(line)) throw NOT_PLAIN;
      const keyStart = lines.start[line]!;
      const colon = keyEnd(text, keyStart, lines.end[line]!);
      if (colon < 0) throw NOT_PLAIN;
      const key = text.slice(keyStart, colon);
      // Values are never `undefined`: a defined answer is a duplicate key, or a name Object's
      // prototype has (`__proto__`, `constructor`, `toString`), left to the careful parser too.
      if (map[key] !== undefined) throw NOT_PLAIN;
      if (STARTS_RESOLVABLE_WORD.has(text.charCodeAt(keyStart)) && RESOLVED_KEYS.has(key)) throw NOT_PLAIN;
      // The third key the careful parser reports as reserved.
      if (key === "prototype") throw NOT_PLAIN;
      map[key] = this.value(line, colon + 1, indent, true);
    }
    return map;
  }

  private sequence(indent: number): unknown[] {
    const { text, lines } = this;
    const list: unknown[] = [];
    while (this.line < lines.count) {
      const line = this.line;
      const lineIndent = lines.indent[line]!;
      if (lineIndent < indent) break;
      if (lineIndent > indent) throw NOT_PLAIN;
      if (!this.isItem(line)) break;
      const dash = lines.start[line]!;
      const at = skipSpaces(text, dash + 1, lines.end[line]!);
      if (at < lines.end[line]! && text.charCodeAt(at) !== HASH && isKeyLine(text, at, lines.end[line]!)) {
        // `- key: value`: a mapping whose keys line up with this first key.
        const column = indent + (at - dash);
        lines.start[line] = at;
        lines.indent[line] = column;
        list.push(this.node(line, column));
      } else {
        list.push(this.value(line, dash + 1, indent, false));
      }
    }
    return list;
  }

  /**
   * The value after a key's colon or an item's dash at `from` on `line`: a scalar on the same line,
   * else the block on the following lines (for a key, a list may start at the key's own indent).
   */
  private value(line: number, from: number, indent: number, ofKey: boolean): unknown {
    const { text, lines } = this;
    const end = lines.end[line]!;
    const at = skipSpaces(text, from, end);
    const next = line + 1;
    const nextIndent = next < lines.count ? lines.indent[next]! : -1;
    if (at < end && text.charCodeAt(at) !== HASH) {
      if (nextIndent > indent) throw NOT_PLAIN; // a scalar continued on the next line
      this.line = next;
      return scalar(text, at, end);
    }
    // js-yaml reads the lines after `- # comment` in its own way (it once joined them with a
    // shallower list); such items are left to it.
    if (at < end && !ofKey) throw NOT_PLAIN;
    if (nextIndent > indent) return this.node(next, nextIndent);
    if (ofKey && nextIndent === indent && this.isItem(next)) return this.node(next, indent);
    this.line = next;
    return null;
  }
}

function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && text.charCodeAt(at) === SPACE) at++;
  return at;
}

/** Keys js-yaml would resolve to null or a boolean (and then turn into other text). */
const RESOLVED_KEYS = new Set(["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"]);

/** Offset of the colon ending a plain key at `at` (`[A-Za-z_][A-Za-z0-9_./-]*` then `:` and a space or the line's end), or -1. */
function keyEnd(text: string, at: number, end: number): number {
  const first = text.charCodeAt(at);
  if (!(isLetter(first) || first === 95)) return -1;
  let i = at + 1;
  while (i < end && isKeyCharacter(text.charCodeAt(i))) i++;
  if (i >= end || text.charCodeAt(i) !== COLON) return -1;
  return i + 1 === end || text.charCodeAt(i + 1) === SPACE ? i : -1;
}

function isKeyLine(text: string, at: number, end: number): boolean {
  if (keyEnd(text, at, end) >= 0) return true;
  // Anything else with a `: ` may still be a mapping (quoted or spaced keys): leave it to js-yaml.
  if (hasMappingColon(text, at, end)) throw NOT_PLAIN;
  return false;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isKeyCharacter(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === DASH;
}

/** Whether a `:` followed by a space or the line's end (a mapping's colon) lies in `[at, end)`. */
function hasMappingColon(text: string, at: number, end: number): boolean {
  for (let i = text.indexOf(":", at); i >= 0 && i < end; i = text.indexOf(":", i + 1)) {
    if (i + 1 === end || text.charCodeAt(i + 1) === SPACE) return true;
  }
  return false;
}

/** Characters that start something other than a plain scalar. */
const INDICATORS = new Set(["|", ">", "&", "*", "!", "%", "@", "`", ",", "[", "]", "{", "}", "#"]);

/** The one-line scalar starting at `at` and running to the line's end or a comment. */
function scalar(text: string, at: number, end: number): unknown {
  const c = text[at]!;
  if (c === '"') return doubleQuoted(text, at, end);
  if (c === "'") return singleQuoted(text, at, end);
  if ((c === "[" || c === "{") && emptyCollection(text, at, end)) return c === "[" ? [] : {};
  if (INDICATORS.has(c)) throw NOT_PLAIN;
  if ((c === "-" || c === "?" || c === ":") && (at + 1 === end || text.charCodeAt(at + 1) === SPACE))
    throw NOT_PLAIN;
  // One pass to the end of the value: a ` #` starts a comment; a `: ` would make it a mapping.
  let stop = at + 1;
  for (; stop < end; stop++) {
    const ch = text.charCodeAt(stop);
    if (ch === HASH && text.charCodeAt(stop - 1) === SPACE) break;
    if (ch === COLON && (stop + 1 === end || text.charCodeAt(stop + 1) === SPACE)) throw NOT_PLAIN;
  }
  while (stop > at && text.charCodeAt(stop - 1) === SPACE) stop--;
  if (text.charCodeAt(stop - 1) === COLON) throw NOT_PLAIN;
  return resolvePlain(text.slice(at, stop));
}

function emptyCollection(text: string, at: number, end: number): boolean {
  if (text[at + 1] !== (text[at] === "[" ? "]" : "}")) return false;
  return isLineRest(text, at + 2, end);
}

/** Whether only spaces or a comment follow `at` on the line. */
function isLineRest(text: string, at: number, end: number): boolean {
  const next = skipSpaces(text, at, end);
  return next === end || (next > at && text.charCodeAt(next) === HASH);
}

function doubleQuoted(text: string, at: number, end: number): string {
  const close = text.indexOf('"', at + 1);
  if (close < 0 || close >= end) throw NOT_PLAIN;
  const value = text.slice(at + 1, close);
  if (value.includes("\\") || !isLineRest(text, close + 1, end)) throw NOT_PLAIN;
  return value;
}

function singleQuoted(text: string, at: number, end: number): string {
  let value = "";
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf("'", from);
    if (quote < 0 || quote >= end) throw NOT_PLAIN;
    value += text.slice(from, quote);
    if (text[quote + 1] !== "'") {
      if (!isLineRest(text, quote + 1, end)) throw NOT_PLAIN;
      return value;
    }
    value += "'";
    from = quote + 2;
  }
}

/**
 * js-yaml's core-schema types, in the order js-yaml tries them (a test pins this list to the
 * schema's own). Its type declarations omit `types`, which the package exports.
 */
export const IMPLICIT_TYPES: readonly jsYaml.Type[] = (() => {
  const { types } = jsYaml as unknown as { types: Record<"null" | "bool" | "int" | "float", jsYaml.Type> };
  return [types.null, types.bool, types.int, types.float];
})();

/**
 * A plain scalar's value under the core schema, resolved by js-yaml's own types in js-yaml's
 * order. Text starting with a letter other than those of `null`, `true` and `false` is a string.
 */
function resolvePlain(value: string): unknown {
  const c = value.charCodeAt(0);
  if (isLetter(c) && !STARTS_RESOLVABLE_WORD.has(c)) return value;
  // The common numbers, which js-yaml's types turn into exactly `Number(value)` (`-0` is not one:
  // js-yaml makes it 0).
  if (PLAIN_NUMBER.test(value)) return Number(value);
  for (const type of IMPLICIT_TYPES) {
    if (type.resolve(value)) return type.construct(value);
  }
  return value;
}

/** Decimal integers without sign tricks or leading zeros, and decimal fractions. */
const PLAIN_NUMBER = /^(?:0|-?[1-9][0-9]{0,14})$|^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/;

/** n, N, t, T, f, F: the letters `null`, `true` and `false` start with. */
const STARTS_RESOLVABLE_WORD = new Set([110, 78, 116, 84, 102, 70]);
