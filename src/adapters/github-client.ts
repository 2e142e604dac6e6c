/**
 * The octokit client behind `OctokitCodeHost`: the retry plugin (5xx answers and network failures,
 * `retries` times with waits of 1, 4, 9, ... s) and the throttling plugin (primary and secondary rate
 * limits: retried a bounded number of times when the wait is short; otherwise the error is reported
 * with the reset time). Against a loopback base URL (a local test server) waits are milliseconds and
 * the plugin's write pacing is off, so tests never wait.
 */
import { retry } from "@octokit/plugin-retry";
import { type ThrottlingOptions, throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";

export interface OctokitCodeHostOptions {
  token: string;
  owner: string;
  repo: string;
  /** API root; `https://api.github.com` by default, GITHUB_API_URL on GitHub Enterprise Server. */
  baseUrl?: string;
  /** Retries of 5xx answers and network failures (waits of 1, 4, 9, ... units). Default 3. */
  retries?: number;
  /** Whether rate-limited calls are retried (bounded: see `rateLimitRetries`, `maxRateLimitWaitSeconds`). Default true. */
  throttleRetry?: boolean;
  userAgent?: string;
  /** Retries after a rate limit. Default 2. */
  rateLimitRetries?: number;
  /** A rate limit needing a longer wait is reported instead of waited for. Default 60 s. */
  maxRateLimitWaitSeconds?: number;
  /**
   * Milliseconds per second of retry wait. Default 1000, and 1 when `baseUrl` is a loopback address
   * (a local test server), where the throttling plugin's write pacing is also turned off.
   */
  retryUnitMs?: number;
  /** Login whose marker comment `upsertComment` prefers (default: any bot's, then the oldest). */
  commentAuthor?: string;
  /** Where octokit's warnings go (deprecations, plugin trouble); dropped by default: adapters do not print. */
  onWarning?: (message: string) => void;
}

const RetryingOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof RetryingOctokit>;
type Group = NonNullable<ThrottlingOptions["write"]>;

/** The API root without a trailing slash. */
export function apiRoot(options: Pick<OctokitCodeHostOptions, "baseUrl">): string {
  return (options.baseUrl ?? "https://api.github.com").replace(/\/+$/, "");
}

export function createGitHubClient(options: OctokitCodeHostOptions): GitHubClient {
  const baseUrl = apiRoot(options);
  const local = isLoopback(baseUrl);
  const unit = options.retryUnitMs ?? (local ? 1 : 1000);
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const onLimit = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number): boolean =>
    options.throttleRetry !== false && retryCount < rateLimitRetries && retryAfter <= maxWait;
  return new RetryingOctokit({
    auth: options.token,
    baseUrl,
    userAgent: options.userAgent ?? "siteops",
    // octokit logs every failed request; failures reach the caller as OperationalErrors instead.
    log: { debug: noop, info: noop, warn: options.onWarning ?? noop, error: noop },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: unit,
      // Rate limits (403, 429) are the throttling plugin's; the rest would fail again the same way.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
      retryAfterBaseValue: unit,
      ...(local ? { write: immediateGroup, notifications: immediateGroup } : {}),
    },
  });
}

function noop(): void {}

function isLoopback(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === "localhost" || host === "[::1]" || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * A Bottleneck group stand-in that runs jobs at once: the throttling plugin spaces writes 1 s and
 * notifying writes (comments) 3 s apart, which only slows tests against a local server.
 */
const immediateGroup = {
  key: () => ({
    schedule: (...args: unknown[]) => {
      const rest = typeof args[0] === "function" ? args : args.slice(1);
      const [job, ...jobArgs] = rest as [(...a: unknown[]) => unknown, ...unknown[]];
      return Promise.resolve().then(() => job(...jobArgs));
    },
  }),
} as unknown as Group;
