import { OperationalError } from "../core/errors.js";
import type { PullRequestInfo } from "../core/ports.js";
import { pullRequestFromEvent } from "./pull-request.js";

/**
 * The pull request of a `pull_request` event payload (as `siteops check --event` reads it), plus
 * the merge commit once it is merged: the applied stage then mails the merge's own changes.
 */
export function pullRequestEvent(
  text: string,
  source: string,
): { pullRequest: PullRequestInfo; mergeCommit?: string } {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new OperationalError(`${source}: is not JSON. Pass the file GitHub puts at $GITHUB_EVENT_PATH.`);
  }
  const pullRequest = pullRequestFromEvent(payload, source);
  const merge = (payload as { pull_request?: { merge_commit_sha?: unknown } }).pull_request?.merge_commit_sha;
  return {
    pullRequest,
    ...(pullRequest.merged && typeof merge === "string" && merge ? { mergeCommit: merge } : {}),
  };
}
