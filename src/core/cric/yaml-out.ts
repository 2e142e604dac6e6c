import { Document, visit } from "yaml";
import { byCodePoint, isObject, type Json } from "./model.js";
import type { SchemaWalker } from "./schema-walk.js";

/**
 * Orders a value for writing: object keys the schema names in the schema's order, other keys
 * (params, astorages activities, ...) by code point; lists keep their order (it is priority in
 * astorages and acopytools) except where the schema says `x-order: set`, which are sorted.
 * The same data always gives the same bytes, whatever order CRIC served the keys in.
 */
export function ordered(value: unknown, node: Json | undefined, walker: SchemaWalker): unknown {
  const schema = walker.resolve(node);
  if (Array.isArray(value)) {
    const items = walker.items(schema);
    const out = value.map((item) => ordered(item, items, walker));
    const isSet = schema?.["x-order"] === "set" && out.every((item) => typeof item === "string");
    return isSet ? [...(out as string[])].sort(byCodePoint) : out;
  }
  if (!isObject(value)) return value;
  const known = schema && isObject(schema.properties) ? Object.keys(schema.properties) : [];
  const keys = [
    ...known.filter((key) => key in value),
    ...Object.keys(value)
      .filter((key) => !known.includes(key))
      .sort(byCodePoint),
  ];
  const out: Json = {};
  for (const key of keys) {
    if (value[key] !== undefined) out[key] = ordered(value[key], walker.child(schema, key), walker);
  }
  return out;
}

/**
 * Strings a YAML reader could take for something else: numbers (also YAML 1.1 forms such as
 * `0777`, `1_000`, `1:30`), YAML 1.1 booleans (`yes`, `off`, ...), null words and dates. The yaml
 * package quotes YAML 1.2 look-alikes itself; these are quoted too, for 1.1 readers (PyYAML).
 */
const LOOKS_TYPED =
  /^(?:[-+]?(?:\.?[0-9][0-9_:.]*(?:[eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+|\.inf|\.nan)|y|n|yes|no|on|off|true|false|null|~|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?)$/i;

/** Renders data as a plain YAML document: 2-space indent, no anchors, no line folding. */
export function writeYaml(data: Json, header: readonly string[] = []): string {
  const doc = new Document(data, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && LOOKS_TYPED.test(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  if (header.length > 0) doc.commentBefore = header.map((line) => ` ${line}`).join("\n");
  return doc.toString({ indent: 2, lineWidth: 0, indentSeq: true });
}
