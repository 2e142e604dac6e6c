import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { FileKind } from "../src/core/model.js";
import {
  createSchemaValidator,
  SCHEMA_ANNOTATIONS,
  SCHEMA_FILES,
  type SchemaSet,
} from "../src/core/validate/schema-validator.js";
import { PROJECT_ROOT } from "./helpers/repo.js";

type Schema = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const SCHEMAS_DIR = join(PROJECT_ROOT, "schemas");
const CLOUDS = ["CA", "CERN", "DE", "ES", "FR", "IT", "ND", "NL", "RU", "TW", "UK", "US"];

/** A subschema found while walking a schema file, with where it is (`queue.schema.json#/properties/x`). */
interface Found {
  at: string;
  schema: Schema;
  /** True for an entry of a `properties` map: a field a user writes. */
  isProperty: boolean;
}

const isObject = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every subschema reachable through properties, $defs, items and additionalProperties (not through $ref). */
function walk(file: string, schema: Schema, pointer = "", isProperty = false, out: Found[] = []): Found[] {
  out.push({ at: `${file}#${pointer}`, schema, isProperty });
  for (const key of ["properties", "$defs"] as const) {
    const children = schema[key];
    if (isObject(children))
      for (const [name, child] of Object.entries(children))
        if (isObject(child)) walk(file, child, `${pointer}/${key}/${name}`, key === "properties", out);
  }
  for (const key of ["items", "additionalProperties"] as const) {
    const child = schema[key];
    if (isObject(child)) walk(file, child, `${pointer}/${key}`, false, out);
  }
  return out;
}

let files: Record<string, Schema>;
let all: Found[];

/** Follows a `$ref` (`#/…` or `other.schema.json#/…`) to the schema it names. */
function resolve(file: string, schema: Schema): { file: string; schema: Schema } {
  if (typeof schema.$ref !== "string") return { file, schema };
  const [target = "", pointer = ""] = schema.$ref.split("#");
  const inFile = target || file;
  let node: unknown = files[inFile];
  for (const segment of pointer.split("/").filter(Boolean)) node = (node as Schema)[segment];
  if (!isObject(node)) throw new Error(`${file}: $ref ${schema.$ref} does not resolve`);
  return resolve(inFile, node);
}

const at = (pointer: string): Schema => {
  const found = all.find((f) => f.at === pointer);
  if (!found) throw new Error(`no schema at ${pointer}`);
  return found.schema;
};

beforeAll(async () => {
  const names = (await readdir(SCHEMAS_DIR)).filter((n) => n.endsWith(".schema.json")).sort();
  files = Object.fromEntries(
    await Promise.all(
      names.map(
        async (n) => [n, JSON.parse(await readFile(join(SCHEMAS_DIR, n), "utf8")) as Schema] as const,
      ),
    ),
  );
  all = Object.entries(files).flatMap(([name, schema]) => walk(name, schema));
});

describe("schemas/*.schema.json", () => {
  it("holds one schema per file kind", () => {
    expect(Object.keys(files).sort()).toEqual(Object.values(SCHEMA_FILES).sort());
  });

  it("gives every field, definition and schema file a title and a description", () => {
    const documented = all.filter((f) => f.isProperty || /\/\$defs\/[^/]+$/.test(f.at) || f.at.endsWith("#"));

    const missing = documented.flatMap(({ at: where, schema }) => {
      const target = resolve(where.split("#")[0]!, schema).schema;
      const title = schema.title ?? target.title;
      const description = schema.description ?? target.description;
      const ok = (v: unknown) => typeof v === "string" && v.trim().length > 0;
      return ok(title) && ok(description) ? [] : [where];
    });

    expect(documented.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it("closes every object with properties, and allows maps only where documented", () => {
    const withProperties = all.filter((f) => isObject(f.schema.properties));
    const maps = all.filter((f) => f.schema.type === "object" && !isObject(f.schema.properties));

    const open = withProperties.filter((f) => f.schema.additionalProperties !== false).map((f) => f.at);
    const mapKinds = Object.fromEntries(
      maps.map((f) => [
        f.at,
        f.schema.additionalProperties === true ? "free" : typeof f.schema.additionalProperties,
      ]),
    );
    expect(open).toEqual([]);
    expect(mapKinds).toEqual({
      "queue.schema.json#/properties/acopytools_schemas": "free",
      "queue.schema.json#/properties/aprotocols": "free",
      "queue.schema.json#/properties/uconfig": "free",
      "queue.schema.json#/properties/params": "object",
      "queue.schema.json#/properties/copytools": "object",
      "queue.schema.json#/properties/astorages": "object",
      "queue.schema.json#/properties/acopytools": "object",
    });
  });

  it.each([
    ["queue.schema.json#/properties/type", ["production", "analysis", "unified"]],
    ["queue.schema.json#/properties/state", ["ACTIVE", "DISABLED"]],
    ["site.schema.json#/properties/state", ["ACTIVE", "DISABLED"]],
    ["site.schema.json#/$defs/ddmendpoint/properties/state", ["ACTIVE", "DISABLED"]],
    ["queue.schema.json#/$defs/ce/properties/ce_state", ["ACTIVE", "DISABLED"]],
    ["site.schema.json#/properties/tier", ["T0", "T1", "T2", "T2D", "T3"]],
    ["queue.schema.json#/properties/cloud", CLOUDS],
    ["site.schema.json#/properties/cloud", CLOUDS],
    ["cloud.schema.json#/properties/name", CLOUDS],
    ["queue.schema.json#/$defs/ce/properties/ce_flavour", ["HTCONDOR-CE", "ARC-CE", "CREAM-CE"]],
    ["queue.schema.json#/properties/jobseed", ["std", "es", "eshigh", "all"]],
    ["queue.schema.json#/properties/hc_param", ["AutoExclusion", "OnlyTest", "False"]],
  ])("%s allows exactly the domain's values", (pointer, values) => {
    const schema = at(pointer);

    expect([...(schema.enum as string[])].sort()).toEqual([...values].sort());
    expect(schema.type).toBe("string");
  });

  it("declares the identity key of each list, as a required field of its items", () => {
    const identities = all.filter((f) => f.schema["x-identity"] !== undefined);

    expect(Object.fromEntries(identities.map((f) => [f.at, f.schema["x-identity"]]))).toEqual({
      "queue.schema.json#/properties/queues": "ce_endpoint",
      "site.schema.json#/properties/contacts": "email",
      "site.schema.json#/properties/ddmendpoints": "name",
      "site.schema.json#/properties/hardware": "cpu_model",
    });
    for (const { at: where, schema } of identities) {
      const key = schema["x-identity"] as string;
      const item = resolve(where.split("#")[0]!, schema.items as Schema).schema;
      expect(schema.type, where).toBe("array");
      expect(item.required, where).toContain(key);
      expect(Object.keys(item.properties as Schema), where).toContain(key);
    }
  });

  it("states the unit of fields that have one", () => {
    const unit = (field: string) => at(`queue.schema.json#/properties/${field}`)["x-unit"];

    expect(unit("maxrss")).toBe("MB");
    expect(unit("maxwdir")).toBe("MB");
    expect(unit("maxtime")).toBe("s");
    expect(unit("timefloor")).toBe("min");
    expect(unit("corepower")).toContain("HS");
  });

  it("uses only annotation keywords siteops declares as its vocabulary", () => {
    const used = new Set(all.flatMap((f) => Object.keys(f.schema).filter((k) => k.startsWith("x-"))));

    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((k) => !SCHEMA_ANNOTATIONS.includes(k))).toEqual([]);
  });
});

describe("compiling the schemas with Ajv 2020 in strict mode", () => {
  const ajvWith = (vocabulary: readonly string[]) => {
    const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
    addFormats(ajv, ["email", "date", "uri"]);
    if (vocabulary.length > 0) ajv.addVocabulary([...vocabulary]);
    for (const [name, schema] of Object.entries(files)) ajv.addSchema(schema, name);
    return ajv;
  };

  it("compiles every schema with the SCHEMA_ANNOTATIONS vocabulary", () => {
    const ajv = ajvWith(SCHEMA_ANNOTATIONS);

    const compiled = Object.values(SCHEMA_FILES).map((name) => ajv.getSchema(name));

    expect(compiled.every((fn) => typeof fn === "function")).toBe(true);
  });

  it("is strict: without the vocabulary the annotations are rejected", () => {
    const ajv = ajvWith([]);

    expect(() => ajv.getSchema("queue.schema.json")).toThrow(/x-/);
  });

  it("accepts the bundled files through createSchemaValidator, and rejects an empty queue", async () => {
    const byKind = Object.entries(SCHEMA_FILES).map(([kind, name]) => [kind, files[name]]);
    const validator = createSchemaValidator(Object.fromEntries(byKind) as SchemaSet);
    const samples: Record<FileKind, string> = {
      queue: "sites/US/AGLT2/queues/AGLT2.yaml",
      site: "sites/US/AGLT2/site.yaml",
      cloud: "sites/US/cloud.yaml",
      config: "siteops.config.yaml",
    };

    const invalid = await Promise.all(
      (Object.entries(samples) as [FileKind, string][]).map(async ([kind, file]) => {
        const data: unknown = parse(await readFile(join(PROJECT_ROOT, file), "utf8"));
        return [...validator.invalidFields(kind, data)];
      }),
    );

    expect(invalid).toEqual([[], [], [], []]);
    expect(
      validator
        .validate(
          "queue",
          {},
          { file: "q.yaml", locate: () => ({ line: 1, column: 1 }), unmanaged: new Map() },
        )
        .map((p) => p.code),
    ).toContain("schema-required");
  });
});
