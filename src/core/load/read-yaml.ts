import jsYaml from "js-yaml";
import type { Locator } from "../model.js";
import { type ParseLimits, type ParseResult, parseYaml } from "./parse-yaml.js";
import { readPlainYaml } from "./plain-yaml.js";

/**
 * Anything that needs the careful parser: tags, anchors and aliases, merge keys, tabs, reserved
 * keys, explicit (complex) keys, nested flow collections or block sequences, and very deep indentation. Files with none of
 * these (nearly all configuration files) take the fast path.
 */
const NEEDS_CAREFUL_PARSE =
  /[\t&*!]|<<|__proto__|constructor|prototype|[[{]\s*[[{]|^\s*-[ \t]+-[ \t]|^\s*\?(\s|$)|^ {129}/m;

// The same test in two steps, as fast as a scan allows: the line-start patterns cost most, so they
// run only on text that has what they look for somewhere (nearly no configuration file does).
const CAREFUL_ANYWHERE = /[\t&*!]|<<|__proto__|constructor|prototype|[[{]\s*[[{]/;
const CAREFUL_AT_LINE_START = /^\s*-[ \t]+-[ \t]|^\s*\?(\s|$)|^ {129}/m;
const NESTED_DASHES = /-[ \t]+-[ \t]/;
const DEEP_INDENT = " ".repeat(129);

/** `NEEDS_CAREFUL_PARSE.test(text)`, faster. */
export function needsCarefulParse(text: string): boolean {
  if (CAREFUL_ANYWHERE.test(text)) return true;
  if (!text.includes("?") && !NESTED_DASHES.test(text) && !text.includes(DEEP_INDENT)) return false;
  return CAREFUL_AT_LINE_START.test(text);
}

/** The single expression `needsCarefulParse` stands for (tests compare the two). */
export const NEEDS_CAREFUL_PARSE_PATTERN = NEEDS_CAREFUL_PARSE;

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a YAML file as fast as the data allows: plain files go through the block-YAML reader
 * (`readPlainYaml`), or js-yaml where they use more of YAML (YAML 1.2 core schema, the same values
 * as the careful parser), and positions are computed only when a problem needs one. Everything
 * else, and every file js-yaml rejects, goes through `parseYaml`, which reports each problem with
 * its position.
 */
export function readYaml(
  file: string,
  bytes: Uint8Array,
  limits: ParseLimits,
  size = bytes.length,
): ParseResult {
  const careful = () => parseYaml(file, bytes, limits, size);
  if (size > limits.maxBytes || bytes.length > limits.maxBytes) return careful();
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return careful();
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    return careful();
  }
  // The block-YAML reader gives up on every file the careful parser has a problem with (unsafe
  // keys, deep nesting, tags, anchors, tabs...) and runs first: a plain file is scanned once.
  let data: unknown = readPlainYaml(text);
  if (data === undefined) {
    if (needsCarefulParse(text)) return careful();
    try {
      data = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file });
    } catch {
      return careful();
    }
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) return careful();
  let located: Locator | undefined;
  const locate: Locator = (path, target) => {
    located ??= careful().locate;
    return located(path, target);
  };
  return { data: data as Record<string, unknown>, locate, problems: [] };
}
