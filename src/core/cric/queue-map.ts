import { isObject, type Json, type Note } from "./model.js";
import { allowsNull, type SchemaWalker } from "./schema-walk.js";
import { isSiteOwner } from "./sites.js";

/** Fields CRIC repeats from others; export writes them back from the field they copy. */
export const DERIVED_FROM: Readonly<Record<string, string>> = {
  nickname: "name",
  siteid: "name",
  panda_resource: "name",
  site: "panda_site",
};

export interface QueueMapContext {
  schema: Json;
  walker: SchemaWalker;
  unmanaged: ReadonlyMap<string, string>;
  /** Fields the site schema has, so site-level values can be said to live there. */
  siteProperties: ReadonlySet<string>;
}

/**
 * A dump queue as its queue file holds it: the queue schema's fields with CRIC's values, minus
 * the inheritable values its site holds. Every field left out gets a note saying why.
 */
export function mapQueue(
  name: string,
  queue: Json,
  inherits: ReadonlySet<string>,
  ctx: QueueMapContext,
): { data: Json; notes: Note[] } {
  const properties = isObject(ctx.schema.properties) ? ctx.schema.properties : {};
  const notes: Note[] = [];
  const data: Json = { name };
  if (queue.name === undefined)
    notes.push({ kind: "derived", field: "name", message: `taken from the dump's key \`${name}\`.` });
  for (const [field, value] of Object.entries(queue)) {
    if (field === "name") continue;
    const derivedFrom = DERIVED_FROM[field];
    const owner = ctx.unmanaged.get(field);
    if (derivedFrom !== undefined) {
      const source = derivedFrom === "name" ? name : queue[derivedFrom];
      notes.push(
        value === source
          ? {
              kind: "derived",
              field,
              message: `equals ${derivedFrom}; export writes it from ${derivedFrom}.`,
            }
          : {
              kind: "conflict",
              field,
              message: `is ${JSON.stringify(value)} but ${derivedFrom} is ${JSON.stringify(source)}; siteops keeps ${derivedFrom} and export writes ${field} = ${derivedFrom}. Make them equal in CRIC.`,
            },
      );
    } else if (owner !== undefined && isSiteOwner(owner)) {
      notes.push(siteLevelNote(field, value, queue, ctx));
    } else if (owner !== undefined) {
      notes.push({ kind: "unmanaged", field, message: `not kept: owned by ${owner}.` });
    } else if (!isObject(properties[field])) {
      notes.push({
        kind: "unknown",
        field,
        message: `not a field of the queue schema: dropped (value ${short(value)}). If PanDA needs it, add it to schemas/queue.schema.json.`,
      });
    } else if (value === null && !allowsNull(ctx.walker.resolve(properties[field]))) {
      notes.push({
        kind: "null",
        field,
        message: "null, which the schema does not allow: dropped (absent means no value).",
      });
    } else if (!inherits.has(field)) {
      data[field] = withoutNulls(value, properties[field], ctx.walker, field, notes);
    }
  }
  return { data, notes };
}

function siteLevelNote(field: string, value: unknown, queue: Json, ctx: QueueMapContext): Note {
  if (field === "gstat") {
    const expected = queue.gocname ?? queue.rc_site;
    return value === expected
      ? { kind: "derived", field, message: "equals gocname (or rc_site); export writes it from site.yaml." }
      : {
          kind: "conflict",
          field,
          message: `is ${JSON.stringify(value)} but gocname/rc_site is ${JSON.stringify(expected)}; export writes gstat = gocname or rc_site. Make them equal in CRIC.`,
        };
  }
  if (ctx.siteProperties.has(field))
    return { kind: "site-level", field, message: `site-level: site.yaml holds it (${short(value)}).` };
  return {
    kind: "site-level",
    field,
    message: `site-level, and site.yaml has no field for it: not kept (value ${short(value)}).`,
  };
}

/**
 * Inside objects (CEs, copytools, ...), null where the schema does not allow it is dropped, and so
 * are keys an object schema closes (`additionalProperties: false`) and does not name.
 */
function withoutNulls(
  value: unknown,
  node: unknown,
  walker: SchemaWalker,
  path: string,
  notes: Note[],
): unknown {
  const schema = walker.resolve(isObject(node) ? node : undefined);
  if (Array.isArray(value)) {
    const items = walker.items(schema);
    return value.map((item, index) => withoutNulls(item, items, walker, `${path}[${index}]`, notes));
  }
  if (!isObject(value)) return value;
  const out: Json = {};
  const closed = schema?.additionalProperties === false;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = walker.child(schema, key);
    if (closed && !childSchema) {
      notes.push({
        kind: "unknown",
        field: `${path}.${key}`,
        message: `not a field of the schema: dropped (value ${short(child)}).`,
      });
      continue;
    }
    if (child === null && childSchema && !allowsNull(childSchema)) {
      notes.push({
        kind: "null",
        field: `${path}.${key}`,
        message: "null, which the schema does not allow: dropped.",
      });
      continue;
    }
    out[key] = withoutNulls(child, childSchema, walker, `${path}.${key}`, notes);
  }
  return out;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
