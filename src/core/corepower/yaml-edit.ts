/**
 * Byte-preserving YAML edits, text to text: a number scalar is replaced by exactly its source range
 * (found through the `yaml` package's document with source ranges), and a mapping entry is removed
 * with whole lines. Every other byte (comments, key order, quoting, blank lines) stays as it was.
 * Each result is parsed again and compared with the intended data, so an edit never does more.
 */
import { isMap, isScalar, type Node, parseDocument, type YAMLMap } from "yaml";

export type YamlEdit =
  | { kind: "set"; path: readonly string[]; value: number }
  | { kind: "remove"; path: readonly string[] };

export type EditResult = { text: string } | { error: string };

interface Splice {
  start: number;
  end: number;
  insert: string;
}

/** Applies edits to one file's text; an error (and no change) when one cannot be made exactly. */
export function applyYamlEdits(file: string, text: string, edits: readonly YamlEdit[]): EditResult {
  if (edits.length === 0) return { text };
  const doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      error: `${file}: is not valid YAML (${doc.errors[0]!.message.split("\n")[0]}). Fix it, then run again.`,
    };
  const splices: Splice[] = [];
  for (const edit of edits) {
    const splice =
      edit.kind === "set" ? setSplice(doc, text, edit.path, edit.value) : removeSplice(doc, text, edit.path);
    if (typeof splice === "string") return { error: `${file}: ${edit.path.join(".")} ${splice}.` };
    splices.push(splice);
  }
  splices.sort((a, b) => b.start - a.start);
  for (let i = 1; i < splices.length; i++) {
    if (splices[i]!.end > splices[i - 1]!.start)
      return { error: `${file}: two edits overlap. Edit the file by hand.` };
  }
  let out = text;
  for (const s of splices) out = out.slice(0, s.start) + s.insert + out.slice(s.end);
  const problem = verify(text, out, edits);
  return problem ? { error: `${file}: ${problem}. Edit the file by hand.` } : { text: out };
}

function setSplice(
  doc: ReturnType<typeof parseDocument>,
  text: string,
  path: readonly string[],
  value: number,
): Splice | string {
  if (!Number.isFinite(value)) return "cannot be set to a value that is not a finite number";
  const node = doc.getIn(path, true) as Node | undefined;
  if (!isScalar(node) || typeof node.value !== "number" || !node.range) return "is not a number in the file";
  const [start, end] = node.range;
  const original = text.slice(start, end);
  return { start, end, insert: formatNumber(value, original) };
}

function removeSplice(
  doc: ReturnType<typeof parseDocument>,
  text: string,
  path: readonly string[],
): Splice | string {
  const parentPath = path.slice(0, -1);
  const key = path.at(-1);
  const parent = (parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true)) as Node | undefined;
  if (!isMap(parent)) return "is not in a mapping";
  if ((parent as YAMLMap).flow) return "is inside a flow mapping `{...}`, which is not edited automatically";
  const pair = (parent as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key);
  if (!pair || !isScalar(pair.key) || !pair.key.range) return "is not in the file";
  const keyStart = pair.key.range[0];
  const lineStart = text.lastIndexOf("\n", keyStart - 1) + 1;
  if (text.slice(lineStart, keyStart).trim() !== "") return "does not start its own line";
  const value = pair.value as Node | null;
  const valueEnd = value && "range" in value && value.range ? value.range[1] : pair.key.range[1];
  let end = valueEnd;
  if (text[end - 1] !== "\n") {
    const newline = text.indexOf("\n", end);
    end = newline < 0 ? text.length : newline + 1;
  }
  return { start: lineStart, end, insert: "" };
}

/** The number as YAML: shortest form, keeping a decimal point when the original had one (10.0). */
export function formatNumber(value: number, original = ""): string {
  const text = String(value);
  return Number.isInteger(value) && original.includes(".") ? `${text}.0` : text;
}

function verify(before: string, after: string, edits: readonly YamlEdit[]): string | undefined {
  const expected = parseDocument(before).toJS() as unknown;
  for (const edit of edits) {
    const parent = walk(expected, edit.path.slice(0, -1));
    const key = edit.path.at(-1)!;
    if (!parent) return `${edit.path.join(".")} vanished`;
    if (edit.kind === "set") parent[key] = edit.value;
    else delete parent[key];
  }
  const reparsed = parseDocument(after);
  if (reparsed.errors.length > 0) return "the edit would break the YAML";
  return JSON.stringify(reparsed.toJS()) === JSON.stringify(expected)
    ? undefined
    : "the edit would change more than the intended values";
}

function walk(value: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current !== null && typeof current === "object" ? (current as Record<string, unknown>) : undefined;
}

/** The edits of a plan, by file: proposed values set where they are defined, expired pins removed. */
export function planEdits(
  proposals: readonly { target: { file: string; path: string }; after: number }[],
  removals: readonly { target: { file: string }; path: string }[],
): Map<string, YamlEdit[]> {
  const byFile = new Map<string, YamlEdit[]>();
  const add = (file: string, edit: YamlEdit) => byFile.set(file, [...(byFile.get(file) ?? []), edit]);
  for (const p of proposals)
    add(p.target.file, { kind: "set", path: p.target.path.split("."), value: p.after });
  for (const r of removals) add(r.target.file, { kind: "remove", path: r.path.split(".") });
  return byFile;
}
