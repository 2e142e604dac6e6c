import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLError,
} from "yaml";
import type { Locator, Position, Problem } from "../model.js";
import { makeProblem } from "../problem.js";
import { bytePosition, findInvalidUtf8 } from "./utf8.js";

export interface ParseLimits {
  /** Files larger than this are refused before parsing. */
  maxBytes: number;
}

export interface ParseResult {
  /** The plain data, or undefined when the file could not be read as one safe YAML mapping. */
  data: Record<string, unknown> | undefined;
  locate: Locator;
  problems: Problem[];
}

/** Keys that would reach Object.prototype in careless consumers; never accepted in a document. */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Tags of the YAML 1.2 core schema; anything else (`!!js/function`, `!!python/...`, `!custom`) is refused. */
const CORE_TAGS = new Set([
  "tag:yaml.org,2002:str",
  "tag:yaml.org,2002:int",
  "tag:yaml.org,2002:float",
  "tag:yaml.org,2002:bool",
  "tag:yaml.org,2002:null",
  "tag:yaml.org,2002:map",
  "tag:yaml.org,2002:seq",
]);

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** A quote opens a quoted scalar only where a value can start; elsewhere it is a plain character. */
function startsScalar(text: string, at: number): boolean {
  for (let j = at - 1; j >= 0; j--) {
    const p = text[j]!;
    if (p === " " || p === "\t") continue;
    return p === "\n" || ":[{,-?".includes(p);
  }
  return true;
}

/** Deepest nesting accepted; real queue files reach about 5. */
const MAX_DEPTH = 64;

/**
 * First line at which the nesting exceeds `limit`, or 0. Counts open flow brackets outside quotes
 * and comments, plus block indicators (`- `, `? `) and indentation steps at the start of lines.
 */
export function tooDeepLine(text: string, limit: number): number {
  let flow = 0;
  let line = 1;
  let quote: string | undefined;
  let atLineStart = true;
  let blockDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      atLineStart = true;
      blockDepth = 0;
      continue;
    }
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (atLineStart) {
      if (c === " ") {
        blockDepth += 0.5;
        if (blockDepth > limit) return line;
        continue;
      }
      if ((c === "-" || c === "?") && (text[i + 1] === " " || text[i + 1] === "\n")) {
        blockDepth++;
        if (blockDepth > limit) return line;
        continue;
      }
      atLineStart = false;
    }
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if ((c === '"' || c === "'") && startsScalar(text, i)) {
      quote = c;
    } else if (c === "[" || c === "{") {
      if (++flow > limit) return line;
    } else if (c === "]" || c === "}") {
      flow = Math.max(0, flow - 1);
    }
  }
  return 0;
}

/**
 * Parses one YAML file into plain data, refusing everything that is not plain, safe YAML:
 * bad encodings, syntax errors, duplicate keys, tabs, custom tags, aliases and merge keys,
 * and prototype-polluting keys. All problems are returned with their position; nothing throws.
 */
export function parseYaml(
  file: string,
  bytes: Uint8Array,
  limits: ParseLimits,
  size = bytes.length,
): ParseResult {
  const noLocate: Locator = () => ({ line: 1, column: 1 });
  if (size > limits.maxBytes || bytes.length > limits.maxBytes) {
    return {
      data: undefined,
      locate: noLocate,
      problems: [
        makeProblem({
          code: "file-too-large",
          file,
          message: `${file}: the file has ${Math.max(size, bytes.length)} bytes, more than the limit of ${limits.maxBytes}. Split it, or raise validation.max_file_bytes in siteops.config.yaml.`,
        }),
      ],
    };
  }
  const problems: Problem[] = [];
  let body = bytes;
  if (UTF8_BOM.every((b, i) => bytes[i] === b)) {
    problems.push(
      makeProblem({
        code: "encoding-bom",
        file,
        message: `${file}:1:1: the file starts with a byte-order mark (BOM). Save it as UTF-8 without BOM.`,
      }),
    );
    body = bytes.subarray(3);
  }
  const invalidAt = findInvalidUtf8(body);
  if (invalidAt >= 0) {
    const pos = bytePosition(bytes, invalidAt + (bytes.length - body.length));
    problems.push({
      code: "encoding-invalid",
      severity: "error",
      file,
      line: pos.line,
      column: pos.column,
      path: "",
      message: `${file}:${pos.line}:${pos.column}: byte 0x${body[invalidAt]!.toString(16).padStart(2, "0")} is not valid UTF-8. Save the file as UTF-8.`,
    });
    return { data: undefined, locate: noLocate, problems };
  }
  const text = new TextDecoder("utf-8").decode(body);
  const deepAt = tooDeepLine(text, MAX_DEPTH);
  if (deepAt > 0) {
    // Parsing, walking and validating recurse per level: refuse absurd nesting before any of it.
    problems.push(
      positioned(
        "yaml-too-deep",
        file,
        { line: deepAt, column: 1 },
        `${file}:${deepAt}:1: the document nests deeper than ${MAX_DEPTH} levels. Configuration is never that deep; flatten it.`,
      ),
    );
    return { data: undefined, locate: noLocate, problems };
  }
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, {
      lineCounter,
      uniqueKeys: true,
      merge: false,
      prettyErrors: false,
      strict: true,
    });
  } catch (error) {
    // The parser recurses per nesting level; absurdly deep input exhausts the stack.
    problems.push(
      makeProblem({
        code: "yaml-syntax",
        file,
        message: `${file}: the YAML cannot be parsed (${error instanceof RangeError ? "nesting too deep" : String(error)}). Simplify the file.`,
      }),
    );
    return { data: undefined, locate: noLocate, problems };
  }
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const locate = buildLocator(doc.contents, at);
  let fatal = false;
  for (const error of doc.errors) {
    problems.push(fromYamlError(file, error, at));
    fatal = true;
  }
  for (const warning of doc.warnings) {
    if (warning.code === "TAG_RESOLVE_FAILED") continue; // reported below with the tag's name
    problems.push({ ...fromYamlError(file, warning, at), severity: "warning" });
  }
  const unsafePaths: (string | number)[][] = [];
  visit(doc, {
    Alias(_key, node) {
      fatal = true;
      const pos = at(node.range?.[0] ?? 0);
      problems.push(
        positioned(
          "yaml-alias",
          file,
          pos,
          `${file}:${pos.line}:${pos.column}: alias *${node.source} is not allowed; reviewers must see every value where it applies. Write the value out.`,
        ),
      );
    },
    Pair(_key, pair, path) {
      if (!isScalar(pair.key)) {
        if (pair.key !== null) {
          fatal = true;
          const pos = at((pair.key as Node).range?.[0] ?? 0);
          problems.push(
            positioned(
              "yaml-complex-key",
              file,
              pos,
              `${file}:${pos.line}:${pos.column}: a mapping key must be a plain string. Write the key as text.`,
            ),
          );
        }
        return;
      }
      const key = String(pair.key.value);
      const pos = at(pair.key.range?.[0] ?? 0);
      if (key === "<<") {
        fatal = true;
        problems.push(
          positioned(
            "yaml-merge-key",
            file,
            pos,
            `${file}:${pos.line}:${pos.column}: merge key \`<<\` is not supported; every value must be visible where it applies. Write the merged keys out.`,
          ),
        );
      } else if (UNSAFE_KEYS.has(key)) {
        unsafePaths.push(pathOf(path, key));
        problems.push(
          positioned(
            "yaml-unsafe-key",
            file,
            pos,
            `${file}:${pos.line}:${pos.column}: key \`${key}\` is reserved and never valid configuration. Remove it.`,
          ),
        );
      }
    },
    Node(_key, node) {
      const tag = (node as { tag?: string }).tag;
      if (tag && !CORE_TAGS.has(tag)) {
        fatal = true;
        const pos = at(node.range?.[0] ?? 0);
        problems.push(
          positioned(
            "yaml-custom-tag",
            file,
            pos,
            `${file}:${pos.line}:${pos.column}: tag \`${shortTag(tag)}\` is not allowed; only plain YAML values are. Remove the tag and write a plain value.`,
          ),
        );
      }
    },
  });
  if (fatal) return { data: undefined, locate, problems };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    problems.push(
      makeProblem({
        code: "yaml-empty",
        file,
        message: `${file}: the file is empty. Add the object's fields, or delete the file.`,
      }),
    );
    return { data: undefined, locate, problems };
  }
  if (!isMap(doc.contents)) {
    const pos = at(doc.contents.range?.[0] ?? 0);
    problems.push(
      positioned(
        "yaml-not-mapping",
        file,
        pos,
        `${file}:${pos.line}:${pos.column}: the document must be a mapping of field names to values, not a ${isSeq(doc.contents) ? "list" : "single value"}. Write \`field: value\` lines.`,
      ),
    );
    return { data: undefined, locate, problems };
  }
  const data = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>;
  for (const path of unsafePaths) removeAt(data, path);
  return { data, locate, problems };
}

function positioned(code: string, file: string, pos: Position, message: string): Problem {
  return { code, severity: "error", file, line: pos.line, column: pos.column, path: "", message };
}

function fromYamlError(file: string, error: YAMLError, at: (offset: number) => Position): Problem {
  const pos = error.linePos?.[0]
    ? { line: error.linePos[0].line, column: error.linePos[0].col }
    : at(error.pos[0]);
  const firstLine = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  const codes: Record<string, [string, string]> = {
    DUPLICATE_KEY: ["yaml-duplicate-key", "Keep one of the duplicate keys."],
    TAB_AS_INDENT: ["yaml-tab", "Indent with spaces, not tabs."],
    MULTIPLE_DOCS: ["yaml-syntax", "Keep one document per file (remove the extra `---`)."],
  };
  const [code, fix] = codes[error.code] ?? ["yaml-syntax", "Fix the YAML syntax at that position."];
  return positioned(code, file, pos, `${file}:${pos.line}:${pos.column}: ${firstLine}. ${fix}`);
}

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

/** Field path of a key found while visiting: the visitor's ancestry holds maps, seqs and pairs. */
function pathOf(ancestry: readonly unknown[], key: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (let i = 0; i < ancestry.length; i++) {
    const node = ancestry[i];
    if (isPair(node) && isScalar(node.key)) out.push(String(node.key.value));
    else if (isSeq(node)) {
      const child = ancestry[i + 1];
      out.push(node.items.indexOf(child as never));
    }
  }
  out.push(key);
  return out;
}

function removeAt(data: Record<string, unknown>, path: readonly (string | number)[]): void {
  let node: unknown = data;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<string | number, unknown>)[segment];
  }
  if (node !== null && typeof node === "object")
    delete (node as Record<string, unknown>)[String(path.at(-1))];
}

/** Resolves a field path to the closest existing node's position (the key when asked, else the value). */
function buildLocator(root: unknown, at: (offset: number) => Position): Locator {
  return (path, target = "value") => {
    let node: unknown = root;
    let keyNode: Node | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
        keyNode = undefined;
        node = node.items[segment];
      } else {
        break;
      }
    }
    const chosen = target === "key" && keyNode ? keyNode : ((node as Node | null) ?? keyNode);
    const range = chosen && !isAlias(chosen) ? chosen.range : keyNode?.range;
    return range ? at(range[0]) : { line: 1, column: 1 };
  };
}
