import { isObject, type Json } from "./model.js";

/**
 * A few steps through a JSON Schema (local `$ref` only), enough to check value types, order keys
 * and find list rules along a data path. Cross-file `$ref`s (site -> queue) resolve through `others`.
 */
export interface SchemaWalker {
  resolve(node: Json | undefined): Json | undefined;
  child(node: Json | undefined, key: string): Json | undefined;
  items(node: Json | undefined): Json | undefined;
}

export function schemaWalker(root: Json, others: Record<string, Json> = {}): SchemaWalker {
  const resolve = (node: Json | undefined, doc: Json = root): Json | undefined => {
    let current = node;
    let document = doc;
    for (let hops = 0; hops < 8 && current && typeof current.$ref === "string"; hops++) {
      const [file, pointer = ""] = current.$ref.split("#");
      if (file) document = others[file] ?? document;
      let target: unknown = document;
      for (const part of pointer.split("/").filter(Boolean))
        target = isObject(target) ? target[part] : undefined;
      const { $ref: _ref, ...siblings } = current;
      current = isObject(target) ? { ...target, ...siblings } : undefined;
    }
    return current;
  };
  return {
    resolve: (node) => resolve(node),
    child(node, key) {
      const s = resolve(node);
      if (!s) return undefined;
      const property = isObject(s.properties) ? s.properties[key] : undefined;
      if (isObject(property)) return resolve(property);
      return isObject(s.additionalProperties) ? resolve(s.additionalProperties) : undefined;
    },
    items(node) {
      const s = resolve(node);
      return s && isObject(s.items) ? resolve(s.items) : undefined;
    },
  };
}

/** The JSON types a schema node accepts (empty: any). */
export function allowedTypes(node: Json | undefined): string[] {
  const type = node?.type;
  if (typeof type === "string") return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === "string") : [];
}

export function allowsNull(node: Json | undefined): boolean {
  const types = allowedTypes(node);
  return types.length === 0 || types.includes("null");
}

/** Does the value have one of the node's JSON types (integers also count as numbers)? */
export function hasAllowedType(value: unknown, node: Json | undefined): boolean {
  const types = allowedTypes(node);
  if (types.length === 0) return true;
  return types.some((type) => {
    switch (type) {
      case "null":
        return value === null;
      case "integer":
        return typeof value === "number" && Number.isInteger(value);
      case "number":
        return typeof value === "number" && Number.isFinite(value);
      case "array":
        return Array.isArray(value);
      case "object":
        return isObject(value);
      default:
        return typeof value === type;
    }
  });
}

export interface TypeMismatch {
  /** Data path, e.g. `queues[2].ce_id`. */
  path: string;
  value: unknown;
  expected: string[];
}

/**
 * Every value whose JSON type the schema does not accept, walking lists and objects. A null where
 * null is not allowed is not a mismatch inside objects: import drops those (absent means no value).
 */
export function typeMismatches(
  value: unknown,
  node: Json | undefined,
  walker: SchemaWalker,
  path: string,
  out: TypeMismatch[] = [],
): TypeMismatch[] {
  const schema = walker.resolve(node);
  if (!schema) return out;
  if (!hasAllowedType(value, schema)) {
    out.push({ path, value, expected: allowedTypes(schema) });
    return out;
  }
  if (Array.isArray(value)) {
    const items = walker.items(schema);
    value.forEach((item, index) => {
      typeMismatches(item, items, walker, `${path}[${index}]`, out);
    });
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema = walker.child(schema, key);
      if (child === null && !allowsNull(childSchema)) continue;
      typeMismatches(
        child,
        childSchema,
        walker,
        /^[A-Za-z_][\w-]*$/.test(key) ? `${path}.${key}` : `${path}["${key}"]`,
        out,
      );
    }
  }
  return out;
}
