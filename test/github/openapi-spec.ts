/**
 * GitHub's REST description (`@octokit/openapi`, `api.github.com.deref.json`) for the test server:
 * route matching by method + path template, and ajv validators compiled per operation on demand.
 *
 * The dereferenced description is 73 MB (about 1.4 s to parse). It is parsed at most once per test
 * process, and only when needed: the route index and each operation used are written to
 * `node_modules/.cache/siteops-github-openapi/<version>/` (keyed by the package version), so later
 * runs read a few small files instead.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv/dist/ajv.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export type Schema = Record<string, unknown>;

export interface ParameterDef {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
  "x-multi-segment"?: boolean;
}

export interface OperationDef {
  method: string;
  path: string;
  operationId: string;
  parameters: ParameterDef[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/** One `METHOD /path/{template}` of the description, with the regular expression matching it. */
export interface RouteDef {
  method: string;
  path: string;
  /** `GET /repos/{owner}/{repo}/pulls/{pull_number}`, the form octokit routes take. */
  key: string;
  regex: RegExp;
  names: string[];
  /** Literal segments: the more, the more specific (`/pulls/comments` beats `/pulls/{pull_number}`). */
  literals: number;
}

const require = createRequire(import.meta.url);
const PACKAGE_DIR = dirname(require.resolve("@octokit/openapi/package.json"));
const SPEC_FILE = join(PACKAGE_DIR, "generated", "api.github.com.deref.json");
const VERSION = (JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")) as { version: string })
  .version;
const CACHE_DIR = join(PACKAGE_DIR, "..", "..", ".cache", "siteops-github-openapi", VERSION);
const METHODS = ["get", "put", "post", "patch", "delete", "head"];

interface RawSpec {
  paths: Record<string, Record<string, unknown> & { parameters?: ParameterDef[] }>;
}

let fullSpec: RawSpec | undefined;
/** Parses the whole description, once per process. */
function spec(): RawSpec {
  fullSpec ??= JSON.parse(readFileSync(SPEC_FILE, "utf8")) as RawSpec;
  return fullSpec;
}

function cached<T>(name: string, build: () => T): T {
  const file = join(CACHE_DIR, name);
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as T;
    } catch {
      // A damaged cache entry is rebuilt below.
    }
  }
  const value = build();
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(value));
    renameSync(temp, file); // atomic: parallel workers never read half a file
  } catch {
    // A read-only node_modules only costs speed.
  }
  return value;
}

type IndexEntry = [method: string, path: string, multiSegment: string[]];

let routeTable: RouteDef[] | undefined;
/** Every route of the description, most specific first. */
export function routes(): RouteDef[] {
  routeTable ??= cached<IndexEntry[]>("index.json", () => {
    const entries: IndexEntry[] = [];
    for (const [path, item] of Object.entries(spec().paths)) {
      for (const method of METHODS) {
        const op = item[method] as { parameters?: ParameterDef[] } | undefined;
        if (!op) continue;
        const params = [...(item.parameters ?? []), ...(op.parameters ?? [])];
        const multi = params.filter((p) => p.in === "path" && p["x-multi-segment"]).map((p) => p.name);
        entries.push([method.toUpperCase(), path, multi]);
      }
    }
    return entries;
  })
    .map(([method, path, multi]) => toRoute(method, path, multi))
    .sort((a, b) => b.literals - a.literals);
  return routeTable;
}

function toRoute(method: string, path: string, multiSegment: string[]): RouteDef {
  const names: string[] = [];
  let literals = 0;
  const source = path
    .split("/")
    .map((segment) => {
      const param = /^\{([^}]+)\}$/.exec(segment);
      if (!param) {
        literals++;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }
      names.push(param[1]!);
      return multiSegment.includes(param[1]!) ? "(.+)" : "([^/]+)";
    })
    .join("/");
  return { method, path, key: `${method} ${path}`, regex: new RegExp(`^${source}$`), names, literals };
}

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

/** The route a request names, or undefined when the description has no such route. */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  for (const route of routes()) {
    if (route.method !== method) continue;
    const m = route.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]!);
    });
    return { route, params };
  }
  return undefined;
}

const operations = new Map<string, OperationDef>();
/** One operation of the description (parameters merged from the path item), from the cache or the spec. */
export function operation(route: RouteDef): OperationDef {
  let op = operations.get(route.key);
  if (!op) {
    const name = `op-${createHash("sha1").update(route.key).digest("hex").slice(0, 16)}.json`;
    op = cached<OperationDef>(name, () => {
      const item = spec().paths[route.path]!;
      const raw = item[route.method.toLowerCase()] as Omit<OperationDef, "method" | "path">;
      const parameters = [...(item.parameters ?? []), ...(raw.parameters ?? [])];
      return { ...raw, method: route.method, path: route.path, parameters };
    });
    operations.set(route.key, op);
  }
  return op;
}

/**
 * GitHub's `Basic Error` schema (`{message, documentation_url, url, status}`), for error statuses an
 * operation does not document. The dereferenced description has no `components`: it is taken from the
 * first response that uses it.
 */
export function basicErrorSchema(): Schema {
  return cached<Schema>("basic-error.json", () => {
    for (const item of Object.values(spec().paths)) {
      for (const method of METHODS) {
        const op = item[method] as Pick<OperationDef, "responses"> | undefined;
        for (const response of Object.values(op?.responses ?? {})) {
          const schema = response.content?.["application/json"]?.schema;
          if (schema?.title === "Basic Error") return schema;
        }
      }
    }
    throw new Error(`no "Basic Error" schema in ${SPEC_FILE}`);
  });
}

/**
 * OpenAPI 3.0 `nullable: true` as JSON Schema: `type: [t, "null"]` (and `null` in an `enum`), or
 * `anyOf: [{type: "null"}, schema]` when the schema has no single type (ajv refuses `nullable` without `type`).
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) {
    if ((key === "properties" || key === "patternProperties") && value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (key === "example" || key === "examples" || key === "description") {
      // Documentation only; examples can be large and are not schemas.
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [{ type: "null" }, out] };
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** The compiled validator for `schema`, compiled once per `key` (e.g. `GET /users/{username} 200`). */
export function validator(key: string, schema: Schema): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    if (!ajv) {
      // `optimize: false` halves compile time of the large dereferenced schemas; speed of validation does not matter.
      ajv = new Ajv({
        strict: false,
        allErrors: true,
        logger: false,
        unicodeRegExp: false,
        code: { optimize: false },
      });
      addFormats(ajv);
      // OpenAPI formats JSON Schema does not define: documentation only.
      for (const format of ["int32", "int64", "double", "float", "binary", "repo.nwo", "timestamp", "byte"]) {
        ajv.addFormat(format, true);
      }
    }
    validate = ajv.compile(toJsonSchema(schema) as Schema);
    validators.set(key, validate);
  }
  return validate;
}

/** Ajv errors as short lines: `/head/sha must be string`. */
export function describeErrors(errors: ErrorObject[] | null | undefined, limit = 12): string[] {
  const lines = (errors ?? []).map((e) => {
    const detail =
      "additionalProperty" in e.params
        ? ` '${String(e.params.additionalProperty)}'`
        : "allowedValues" in e.params
          ? ` ${JSON.stringify(e.params.allowedValues)}`
          : "";
    return `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}${detail}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > limit ? [...unique.slice(0, limit), `... ${unique.length - limit} more`] : unique;
}
