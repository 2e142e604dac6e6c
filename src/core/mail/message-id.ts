import { createHash } from "node:crypto";
import type { ObjectChange } from "../diff/model.js";
import { idToken } from "./sanitize.js";

/**
 * Deterministic Message-IDs. The id of a mail is computed from what the mail is about, never
 * from the time or a random number, so a re-run of the same workflow computes the same id and
 * the ledger recognises the mail as sent.
 *
 *   heads-up  <siteops.heads-up.pr42.AGLT2.{hash(repository, pr, site, hash of the site's changes)}@domain>
 *   applied   <siteops.applied.pr42.AGLT2.{hash(repository, pr, site)}@domain>
 *             <siteops.applied.c1a2b3c4d5e6.AGLT2.{hash(repository, commit, site)}@domain>  (no pull request)
 *   digest    <siteops.digest.AGLT2.{hash(repository, site, queued entries)}@domain>
 *   thread    <siteops.thread.pr42.AGLT2.{hash(repository, pr, site)}@domain>  (never sent: the anchor
 *             every mail of one pull request and site references, so they form one thread even
 *             when a push changed the site's changes and with them the heads-up id)
 */

export type EventKey = { pullRequest: number } | { commit: string };

export function headsUpId(
  repository: string,
  pullRequest: number,
  site: string,
  changesHash: string,
  domain: string,
): string {
  return make("heads-up", `pr${pullRequest}`, site, [repository, pullRequest, site, changesHash], domain);
}

export function appliedId(repository: string, key: EventKey, site: string, domain: string): string {
  return "pullRequest" in key
    ? make("applied", `pr${key.pullRequest}`, site, [repository, key.pullRequest, site], domain)
    : make("applied", `c${key.commit.slice(0, 12)}`, site, [repository, key.commit, site], domain);
}

export function threadId(repository: string, pullRequest: number, site: string, domain: string): string {
  return make("thread", `pr${pullRequest}`, site, [repository, pullRequest, site], domain);
}

export function digestId(
  repository: string,
  site: string,
  entryIds: readonly string[],
  domain: string,
): string {
  return make("digest", undefined, site, [repository, site, [...entryIds].sort()], domain);
}

/**
 * A hash of one site's changes that ignores the commits they were computed between: two pushes
 * with the same semantic changes for a site give the same hash, and so the same heads-up id.
 */
export function changesHash(changes: readonly ObjectChange[]): string {
  const sorted = [...changes].sort((a, b) => compare(key(a), key(b)));
  return sha256(canonical(sorted)).slice(0, 16);
}

/** The id without angle brackets, as a file name or log token. */
export function bareId(messageId: string): string {
  return messageId.replace(/^<|>$/g, "");
}

function make(
  stage: string,
  event: string | undefined,
  site: string,
  parts: unknown[],
  domain: string,
): string {
  const hash = sha256(canonical([stage, ...parts])).slice(0, 16);
  const tokens = ["siteops", stage, ...(event ? [idToken(event)] : []), idToken(site), hash];
  return `<${tokens.join(".")}@${domain}>`;
}

const key = (c: ObjectChange) => `${c.kind}\u0000${c.name}\u0000${c.file}\u0000${c.previousFile ?? ""}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** JSON with object keys sorted, so equal data always hashes equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compare(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
