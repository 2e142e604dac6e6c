import { OperationalError } from "../core/errors.js";
import type { PullRequestInfo } from "../core/ports.js";

/** Reads the pull request out of a GitHub `pull_request` (or `pull_request_target`/review) event payload. */
export function pullRequestFromEvent(payload: unknown, source: string): PullRequestInfo {
  const pr = (payload as { pull_request?: Record<string, unknown> } | null)?.pull_request;
  if (!pr || typeof pr !== "object") {
    throw new OperationalError(
      `${source}: is not a pull_request event payload (no \`pull_request\` object). Pass the file of a pull_request event.`,
    );
  }
  const user = (pr.user ?? {}) as { login?: string; type?: string };
  const base = (pr.base ?? {}) as { sha?: string; ref?: string };
  const head = (pr.head ?? {}) as { sha?: string; ref?: string };
  if (typeof pr.number !== "number" || !base.sha || !head.sha || !user.login) {
    throw new OperationalError(
      `${source}: the pull_request lacks number, user.login, base.sha or head.sha. Pass an unmodified event payload.`,
    );
  }
  return {
    number: pr.number,
    title: typeof pr.title === "string" ? pr.title : "",
    body: typeof pr.body === "string" ? pr.body : "",
    state: pr.state === "closed" ? "closed" : "open",
    merged: pr.merged === true,
    draft: pr.draft === true,
    author: user.login,
    authorIsBot: user.type === "Bot" || user.login.endsWith("[bot]"),
    baseRef: base.ref ?? "",
    baseSha: base.sha,
    headRef: head.ref ?? "",
    headSha: head.sha,
    labels: Array.isArray(pr.labels)
      ? pr.labels.map((l) => String((l as { name?: unknown }).name ?? ""))
      : [],
    createdAt: typeof pr.created_at === "string" ? pr.created_at : new Date(0).toISOString(),
    url: typeof pr.html_url === "string" ? pr.html_url : "",
  };
}
