import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type addFormatsModule from "ajv-formats";
import type { FileKind, Locator, Problem } from "../model.js";
import { formatPath, makeProblem } from "../problem.js";
import { closestMatch } from "./did-you-mean.js";

/** The JSON Schemas of every file kind, as loaded from `schemas/`. */
export type SchemaSet = Record<FileKind, Record<string, unknown>>;

import { AJV_OPTIONS, SCHEMA_ANNOTATIONS } from "./ajv-options.js";

export { SCHEMA_ANNOTATIONS };

/** Validation functions compiled ahead of time (ajv standalone code), by file kind. */
export type PrecompiledValidators = Record<FileKind, ValidateFunction>;

export const SCHEMA_FILES: Record<FileKind, string> = {
  queue: "queue.schema.json",
  site: "site.schema.json",
  cloud: "cloud.schema.json",
  config: "config.schema.json",
};

const KIND_NOUN: Record<FileKind, string> = {
  queue: "a PanDA queue",
  site: "a site",
  cloud: "a cloud",
  config: "the siteops configuration",
};

export interface SchemaCheckContext {
  file: string;
  locate: Locator;
  /** Queue fields siteops does not keep, with who owns them instead. */
  unmanaged: ReadonlyMap<string, string>;
}

export interface SchemaValidator {
  validate(kind: FileKind, data: unknown, context: SchemaCheckContext): Problem[];
  /** Top-level fields holding at least one schema violation (empty when the data is valid). */
  invalidFields(kind: FileKind, data: unknown): Set<string>;
}

// The compiler is loaded only when a schema has no precompiled validator: loading ajv costs about as
// much as a small PR verdict. Both packages are CommonJS, so `require` keeps this function synchronous.
const requireModule = createRequire(import.meta.url);

function newCompiler(schemas: SchemaSet): Ajv2020 {
  const { Ajv2020: Compiler } = requireModule("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const addFormats = requireModule("ajv-formats") as typeof addFormatsModule.default;
  const ajv = new Compiler({ ...AJV_OPTIONS });
  addFormats(ajv, ["email", "date", "uri"]);
  ajv.addVocabulary(SCHEMA_ANNOTATIONS);
  for (const kind of Object.keys(SCHEMA_FILES) as FileKind[])
    ajv.addSchema(schemas[kind], SCHEMA_FILES[kind]);
  return ajv;
}

/**
 * Turns ajv's errors into positioned, actionable problems. Uses the precompiled validators when
 * given (they must come from the same schemas); otherwise compiles each schema on first use.
 */
export function createSchemaValidator(
  schemas: SchemaSet,
  precompiled?: PrecompiledValidators,
): SchemaValidator {
  let ajv: Ajv2020 | undefined;
  const compiled = new Map<FileKind, ValidateFunction>(
    precompiled ? (Object.entries(precompiled) as [FileKind, ValidateFunction][]) : [],
  );
  const validatorFor = (kind: FileKind): ValidateFunction => {
    let fn = compiled.get(kind);
    if (!fn) {
      ajv ??= newCompiler(schemas);
      fn = ajv.getSchema(SCHEMA_FILES[kind]) as ValidateFunction;
      compiled.set(kind, fn);
    }
    return fn;
  };
  return {
    validate(kind, data, context) {
      const fn = validatorFor(kind);
      if (fn(data)) return [];
      return dedupe(fn.errors ?? []).map((error) => toProblem(kind, error, context, data));
    },
    invalidFields(kind, data) {
      const fn = validatorFor(kind);
      if (fn(data)) return new Set();
      const fields = new Set<string>();
      for (const error of fn.errors ?? []) {
        const first = error.instancePath.split("/")[1];
        if (first !== undefined) fields.add(first.replace(/~1/g, "/").replace(/~0/g, "~"));
        else if (error.keyword === "additionalProperties")
          fields.add(String(error.params.additionalProperty));
      }
      return fields;
    },
  };
}

/** ajv reports one error per failed keyword; `type` failures on a value make its other errors noise. */
function dedupe(errors: readonly ErrorObject[]): ErrorObject[] {
  const typeFailed = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== "type" && typeFailed.has(error.instancePath)) continue;
    if (error.keyword === "if") continue;
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  return out;
}

function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      out.push(Number(segment));
      node = node[Number(segment)];
    } else {
      out.push(segment);
      node =
        node !== null && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return out;
}

function describe(schema: unknown): string {
  if (schema === null || typeof schema !== "object") return "";
  const s = schema as Record<string, unknown>;
  const unit = typeof s["x-unit"] === "string" ? `, in ${s["x-unit"]}` : "";
  return typeof s.title === "string" ? ` (${s.title}${unit})` : "";
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a number";
  return `a ${typeof value}`;
}

function toProblem(kind: FileKind, error: ErrorObject, context: SchemaCheckContext, data: unknown): Problem {
  const { file, locate } = context;
  const base = pointerToPath(error.instancePath, data);
  const where = (path: readonly (string | number)[], target: "key" | "value" = "value") => {
    const pos = locate(path, target);
    return `${file}:${pos.line}:${pos.column}`;
  };
  const field = formatPath(base) || "document";
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      const path = [...base, name];
      const owner = base.length === 0 && kind === "queue" ? context.unmanaged.get(name) : undefined;
      if (owner) {
        return makeProblem(
          {
            code: "unmanaged-field",
            file,
            path,
            target: "key",
            message: `${where(path, "key")}: \`${name}\` is not kept in siteops; it is owned by ${owner}. Remove the line.`,
          },
          locate,
        );
      }
      const known = Object.keys(((error.parentSchema ?? {}) as { properties?: object }).properties ?? {});
      const guess = closestMatch(name, known);
      const hint = guess
        ? ` Did you mean \`${guess}\`?`
        : known.length
          ? ` Known fields: ${known.join(", ")}.`
          : "";
      const container = base.length === 0 ? KIND_NOUN[kind] : `\`${field}\``;
      return makeProblem(
        {
          code: "schema-unknown-field",
          file,
          path,
          target: "key",
          message: `${where(path, "key")}: \`${name}\` is not a field of ${container}.${hint || " Remove it."}`,
        },
        locate,
      );
    }
    case "required": {
      const missing = String(params.missingProperty);
      const propSchema = ((error.parentSchema ?? {}) as { properties?: Record<string, unknown> })
        .properties?.[missing];
      return makeProblem(
        {
          code: "schema-required",
          file,
          path: base,
          message: `${where(base)}: ${base.length ? `\`${field}\`` : KIND_NOUN[kind]} is missing the required field \`${missing}\`${describe(propSchema)}. Add it.`,
        },
        locate,
      );
    }
    case "type": {
      const expected = Array.isArray(params.type) ? params.type.join(" or ") : String(params.type);
      return makeProblem(
        {
          code: "schema-type",
          file,
          path: base,
          message: `${where(base)}: \`${field}\`${describe(error.parentSchema)} must be ${expected === "integer" ? "an integer" : `of type ${expected}`}, not ${typeName(error.data)} (${show(error.data)}). ${hintForType(expected, error.data)}`,
        },
        locate,
      );
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v));
      const guess = typeof error.data === "string" ? closestMatch(error.data, allowed) : undefined;
      return makeProblem(
        {
          code: "schema-enum",
          file,
          path: base,
          message: `${where(base)}: \`${field}\`${describe(error.parentSchema)} is ${show(error.data)}, which is not allowed. Use one of: ${allowed.join(", ")}.${guess ? ` Did you mean \`${guess}\`?` : ""}`,
        },
        locate,
      );
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const unit = (error.parentSchema as Record<string, unknown> | undefined)?.["x-unit"];
      return makeProblem(
        {
          code: "schema-range",
          file,
          path: base,
          message: `${where(base)}: \`${field}\`${describe(error.parentSchema)} is ${show(error.data)}; it ${String(error.message)}${typeof unit === "string" ? ` ${unit}` : ""}. Use a value in range.`,
        },
        locate,
      );
    }
    case "pattern":
    case "format": {
      const description = (error.parentSchema as { description?: string } | undefined)?.description ?? "";
      return makeProblem(
        {
          code: error.keyword === "format" ? "schema-format" : "schema-pattern",
          file,
          path: base,
          message: `${where(base)}: \`${field}\` is ${show(error.data)}, which is not a valid ${error.keyword === "format" ? String(params.format) : "value"}. ${description ? `Expected: ${description}` : "Fix the value."}`,
        },
        locate,
      );
    }
    case "propertyNames": {
      const name = String(params.propertyName);
      const path = [...base, name];
      return makeProblem(
        {
          code: "schema-pattern",
          file,
          path,
          target: "key",
          message: `${where(path, "key")}: key \`${name}\` of \`${field}\` is not a valid name. Use letters, digits and \`_\`.`,
        },
        locate,
      );
    }
    case "uniqueItems": {
      // ajv reports the later duplicate as i and the earlier one as j.
      const later = Number(params.i);
      const earlier = Number(params.j);
      const path = [...base, later];
      return makeProblem(
        {
          code: "schema-duplicate-item",
          file,
          path,
          message: `${where(path)}: \`${field}\` lists the same value twice (items ${earlier + 1} and ${later + 1}). Remove one.`,
        },
        locate,
      );
    }
    default:
      return makeProblem(
        {
          code: "schema-constraint",
          file,
          path: base,
          message: `${where(base)}: \`${field}\`${describe(error.parentSchema)} ${String(error.message)}. Fix the value.`,
        },
        locate,
      );
  }
}

function hintForType(expected: string, value: unknown): string {
  if (
    typeof value === "string" &&
    (expected.includes("integer") || expected.includes("number")) &&
    value.trim() !== "" &&
    !Number.isNaN(Number(value))
  ) {
    return "Remove the quotes.";
  }
  if (expected === "string" && (typeof value === "number" || typeof value === "boolean")) {
    return `Quote the value: "${String(value)}".`;
  }
  return `Write ${expected === "array" ? "a list" : expected === "object" ? "a mapping" : `a ${expected}`}.`;
}
