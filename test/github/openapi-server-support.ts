/**
 * Request checks of the test GitHub server, and the failures a test can inject (`faults`).
 */
import { errorBody } from "./github-routes.js";
import { describeErrors, type OperationDef, type Schema, validator } from "./openapi-spec.js";

/** A response the server sends instead of running the handler; `disconnect` drops the connection. */
export interface Fault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  disconnect?: boolean;
}

const DOCS = "https://docs.github.com/rest";

export const faults = {
  badCredentials: (): Fault => ({ status: 401, body: errorBody(401, "Bad credentials") }),
  /** 403 as a GitHub App or GITHUB_TOKEN gets it; `accepted` is GitHub's x-accepted-github-permissions. */
  forbidden: (accepted?: string, message = "Resource not accessible by integration"): Fault => ({
    status: 403,
    body: errorBody(403, message),
    ...(accepted !== undefined ? { headers: { "x-accepted-github-permissions": accepted } } : {}),
  }),
  notFound: (): Fault => ({ status: 404, body: errorBody(404, "Not Found") }),
  validationFailed: (errors: Array<Record<string, unknown>>, message = "Validation Failed"): Fault => ({
    status: 422,
    body: { message, errors, documentation_url: DOCS },
  }),
  /** The primary rate limit: `x-ratelimit-remaining: 0`, reset `resetInSeconds` from now. */
  rateLimited: (options: { status?: 403 | 429; resetInSeconds?: number } = {}): Fault => {
    const reset = Math.floor(Date.now() / 1000) + (options.resetInSeconds ?? 3600);
    return {
      status: options.status ?? 403,
      body: errorBody(options.status ?? 403, "API rate limit exceeded for installation ID 1234."),
      headers: {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": "5000",
        "x-ratelimit-reset": String(reset),
        "x-ratelimit-resource": "core",
      },
    };
  },
  /** A secondary (abuse) rate limit with `retry-after`. */
  secondaryRateLimit: (retryAfterSeconds = 1): Fault => ({
    status: 403,
    body: errorBody(
      403,
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    ),
    headers: { "retry-after": String(retryAfterSeconds) },
  }),
  serverError: (status: 500 | 502 | 503 = 500): Fault => ({
    status,
    body: errorBody(status, "Server Error"),
  }),
  disconnect: (): Fault => ({ status: 0, disconnect: true }),
};

export interface CheckedRequest {
  body: unknown;
  errors: string[];
}

/** Path and query parameters and the JSON body of a request against the operation. */
export function checkRequest(
  op: OperationDef,
  params: Record<string, string>,
  query: Record<string, string>,
  text: string,
  contentType: string | undefined,
): CheckedRequest {
  const key = `${op.method} ${op.path}`;
  const errors: string[] = [];
  for (const def of op.parameters) {
    if (def.in !== "path" && def.in !== "query") continue;
    const raw = def.in === "path" ? params[def.name] : query[def.name];
    if (raw === undefined) {
      if (def.required) errors.push(`missing required ${def.in} parameter "${def.name}"`);
      continue;
    }
    if (!def.schema) continue;
    const validate = validator(`${key} ${def.in} ${def.name}`, def.schema);
    if (!validate(coerce(raw, def.schema))) {
      errors.push(
        ...describeErrors(validate.errors).map(
          (e) => `${def.in} parameter "${def.name}"=${JSON.stringify(raw)}: ${e}`,
        ),
      );
    }
  }
  for (const name of Object.keys(query)) {
    if (!op.parameters.some((p) => p.in === "query" && p.name === name)) {
      errors.push(
        `unknown query parameter "${name}" (${key} takes: ${
          op.parameters
            .filter((p) => p.in === "query")
            .map((p) => p.name)
            .join(", ") || "none"
        })`,
      );
    }
  }

  let body: unknown;
  if (text !== "") {
    if (!/^application\/(.+\+)?json\b/i.test(contentType ?? "")) {
      errors.push(`body sent with content-type ${JSON.stringify(contentType)}, not application/json`);
    }
    try {
      body = JSON.parse(text);
    } catch {
      errors.push("body is not valid JSON");
      return { body: text, errors };
    }
  }
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  if (body === undefined) {
    if (op.requestBody?.required) errors.push(`${key} requires a JSON body`);
  } else if (!op.requestBody) {
    errors.push(`${key} takes no body`);
  } else if (schema) {
    const validate = validator(`${key} body`, schema);
    if (!validate(body)) errors.push(...describeErrors(validate.errors).map((e) => `body ${e}`));
  }
  return { body, errors };
}

/** A parameter's text as the type its schema names (`"100"` -> 100 for an integer). */
function coerce(raw: string, schema: Schema): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}
