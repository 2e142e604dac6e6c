import type { FileKind } from "./model.js";
import { SCHEMA_FILES, type SchemaSet } from "./validate/schema-validator.js";

type Json = Record<string, unknown>;

/** A schema node together with the schema document it lives in (for resolving `$ref`). */
export interface SchemaNode {
  schema: Json;
  document: FileKind;
}

/**
 * Walks the JSON Schemas along data paths, so labels, units, list identities and ordering rules
 * come from the schemas' annotations rather than from code.
 */
export class SchemaIndex {
  private readonly byFile: Map<string, FileKind>;
  private readonly roots = new Map<FileKind, SchemaNode>();
  /**
   * Children by parent schema object. A diff asks for the same few nodes once per object and field,
   * and resolving a `$ref` builds a new node each time; the cache also keeps the nodes it returns
   * stable, so their children are found here too.
   */
  private readonly children = new WeakMap<Json, Map<string, SchemaNode | undefined>>();

  constructor(private readonly schemas: SchemaSet) {
    this.byFile = new Map(
      (Object.entries(SCHEMA_FILES) as [FileKind, string][]).map(([kind, file]) => [file, kind]),
    );
  }

  root(kind: FileKind): SchemaNode {
    let node = this.roots.get(kind);
    if (!node) {
      node = { schema: this.schemas[kind] as Json, document: kind };
      this.roots.set(kind, node);
    }
    return node;
  }

  /** The schema of a property (string key) or list item (number) below `node`, if the schema says. */
  child(node: SchemaNode | undefined, key: string | number): SchemaNode | undefined {
    if (!node) return undefined;
    let known = this.children.get(node.schema);
    if (!known) {
      known = new Map();
      this.children.set(node.schema, known);
    }
    // The document takes part in resolving `$ref`s below; a number asks for list items, not a property.
    const id = `${node.document}\u0000${typeof key}\u0000${key}`;
    if (known.has(id)) return known.get(id);
    const child = this.findChild(node, key);
    known.set(id, child);
    return child;
  }

  private findChild(node: SchemaNode, key: string | number): SchemaNode | undefined {
    const resolved = this.resolve(node);
    const s = resolved.schema;
    if (typeof key === "number") {
      return isObject(s.items) ? this.resolve({ schema: s.items, document: resolved.document }) : undefined;
    }
    const properties = s.properties as Json | undefined;
    const property = properties?.[key];
    if (isObject(property)) return this.resolve({ schema: property, document: resolved.document });
    if (isObject(s.additionalProperties)) {
      return this.resolve({ schema: s.additionalProperties, document: resolved.document });
    }
    return undefined;
  }

  /** Follows `$ref` (local `#/...` or another schema file `queue.schema.json#/...`). */
  resolve(node: SchemaNode): SchemaNode {
    let current = node;
    for (let hops = 0; hops < 16 && typeof current.schema.$ref === "string"; hops++) {
      const [file, pointer = ""] = (current.schema.$ref as string).split("#");
      const document = file ? this.byFile.get(file) : current.document;
      if (!document) return current;
      let target: unknown = this.schemas[document];
      for (const part of pointer.split("/").filter(Boolean))
        target = isObject(target) ? target[part] : undefined;
      if (!isObject(target)) return current;
      // Annotations next to a $ref (title, x-unit) win over the target's.
      const { $ref: _ref, ...siblings } = current.schema;
      current = { schema: { ...target, ...siblings }, document };
    }
    return current;
  }
}

export function annotation(node: SchemaNode | undefined, key: string): unknown {
  return node?.schema[key];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
