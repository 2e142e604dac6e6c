import { OperationalError } from "../core/errors.js";

/** What a GitHub call was doing, to name the fix when it fails. */
export interface GitHubCallContext {
  /** "reading pull request #12" */
  action: string;
  /** The fine-grained permission the call needs: "pull-requests: read". */
  permission: string;
  /** The sentence for a 404: "pull request #12 not found in owner/repo, or the token cannot see it". */
  notFound: string;
}

/** The parts of an octokit `RequestError` used here (duck-typed: no import of an indirect dependency). */
interface HttpError extends Error {
  status: number;
  response?: { status: number; headers: Record<string, string | number | undefined>; data: unknown };
  request?: { request?: { retryCount?: number } };
}

function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && typeof (error as { status?: unknown }).status === "number";
}

/** GitHub's own message (`data.message`), without the documentation link octokit appends. */
function githubMessage(error: HttpError): string {
  const data = error.response?.data;
  if (data && typeof data === "object" && typeof (data as { message?: unknown }).message === "string") {
    return (data as { message: string }).message;
  }
  return error.message;
}

function header(error: HttpError, name: string): string | undefined {
  const value = error.response?.headers[name];
  return value === undefined ? undefined : String(value);
}

/** The details of a 422: each error's message, or its field and code. */
function validationDetails(error: HttpError): string {
  const data = error.response?.data as { message?: string; errors?: unknown[] } | undefined;
  const parts = (data?.errors ?? []).map((e) => {
    if (typeof e === "string") return e;
    const item = e as { message?: string; field?: string; code?: string; resource?: string };
    return item.message ?? [item.resource, item.field, item.code].filter(Boolean).join(" ");
  });
  const message = data?.message ?? error.message;
  return parts.length > 0 ? `${message}: ${parts.join("; ")}` : message;
}

function rateLimitMessage(error: HttpError, context: GitHubCallContext): string | undefined {
  const message = githubMessage(error);
  if (header(error, "x-ratelimit-remaining") === "0") {
    const reset = Number(header(error, "x-ratelimit-reset"));
    const when = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined;
    const limit = header(error, "x-ratelimit-limit");
    const resource = header(error, "x-ratelimit-resource") ?? "core";
    const resets = when
      ? `it resets at ${when.toISOString()} (in ${Math.max(Math.ceil((when.getTime() - Date.now()) / 60_000), 0)} min)`
      : "it resets within the hour";
    return (
      `GitHub API rate limit exhausted while ${context.action}${limit ? ` (${limit} requests per hour, ${resource})` : ""}: ` +
      `${resets}. Run again after the reset, or use a token with its own limit (a GitHub App installation token). GitHub said: "${message}"`
    );
  }
  if (
    /secondary rate limit/i.test(message) ||
    header(error, "retry-after") !== undefined ||
    error.status === 429
  ) {
    const after = header(error, "retry-after");
    return (
      `GitHub secondary rate limit hit while ${context.action}${after ? `: retry after ${after} s` : ""}. ` +
      `Too many requests in a short time; run again in a few minutes. GitHub said: "${message}"`
    );
  }
  return undefined;
}

/**
 * A failed GitHub call as an OperationalError naming what to fix; errors that are not HTTP errors
 * (bugs) are returned as they are.
 */
export function toOperationalError(
  error: unknown,
  context: GitHubCallContext,
  where: { baseUrl: string; repository: string },
): unknown {
  if (!isHttpError(error)) return error;
  const options = { cause: error };
  const response = error.response;
  if (!response) {
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    return new OperationalError(
      `cannot reach the GitHub API at ${where.baseUrl} while ${context.action}: ${cause}. ` +
        "Check the network, and GITHUB_API_URL when using GitHub Enterprise Server.",
      options,
    );
  }
  const message = githubMessage(error);
  const status = error.status;
  if (status === 401) {
    return new OperationalError(
      `GitHub rejected the credentials while ${context.action} (401 "${message}"): ` +
        "the token is missing or invalid: set GITHUB_TOKEN to a valid token.",
      options,
    );
  }
  if (status === 403 || status === 429) {
    const limited = rateLimitMessage(error, context);
    if (limited) return new OperationalError(limited, options);
    const accepted = header(error, "x-accepted-github-permissions");
    return new OperationalError(
      `the token lacks permission ${context.permission} (403 while ${context.action} in ${where.repository}: "${message}"` +
        `${accepted ? `; GitHub accepts ${accepted}` : ""}). Grant it in the workflow's "permissions:" block or the GitHub App's settings.`,
      options,
    );
  }
  if (status === 404) return new OperationalError(`${context.notFound}.`, options);
  if (status === 422) {
    return new OperationalError(
      `GitHub refused ${context.action} (422): ${validationDetails(error)}.`,
      options,
    );
  }
  const retries = error.request?.request?.retryCount;
  return new OperationalError(
    `GitHub answered ${status} while ${context.action}${retries ? ` (after ${retries} retries)` : ""}: "${message}".` +
      (status >= 500 ? " GitHub may be having trouble (https://www.githubstatus.com); run again later." : ""),
    options,
  );
}
