/**
 * The one GitHub issue that tracks drift between the repository and CRIC (`siteops cric drift --issue`):
 * what to do with it given the issue open today (if any) and the drift found now. Pure; the app layer
 * carries the action out.
 */

/** The label of the drift issue; only open issues with it (and the marker) are considered. */
export const DRIFT_ISSUE_LABEL = "cric-drift";
/** Hidden marker in the issue body that tells siteops' issue from any other with the label. */
export const DRIFT_ISSUE_MARKER = "<!-- siteops:cric-drift -->";
/** GitHub refuses issue bodies longer than this many characters. */
export const ISSUE_BODY_LIMIT = 65_536;

/** The open drift issue as found on the code host. */
export interface CurrentDriftIssue {
  number: number;
  body: string;
}

/** The drift found now: how many changes, their changelog (markdown), and where the live dump came from. */
export interface DriftSummary {
  changes: number;
  markdown: string;
  live: string;
}

export type DriftIssueAction =
  | { kind: "create"; title: string; body: string }
  | { kind: "update"; number: number; title: string; body: string }
  | { kind: "close"; number: number; body: string }
  | { kind: "none"; number?: number };

export function driftIssueTitle(changes: number): string {
  return `CRIC drift: ${changes} change${changes === 1 ? "" : "s"} between the repository and CRIC`;
}

/** The issue body while drift exists: the marker, a short explanation, and the changelog. */
export function driftIssueBody(drift: DriftSummary): string {
  const head =
    `${DRIFT_ISSUE_MARKER}\n` +
    `CRIC (\`${drift.live}\`) differs from the repository. Import the changes (\`siteops cric import\`) ` +
    "or fix them in CRIC; siteops updates this issue on every run and closes it when the drift is gone.\n\n";
  const body = `${head}${drift.markdown.trimEnd()}\n`;
  return body.length <= ISSUE_BODY_LIMIT ? body : `${body.slice(0, ISSUE_BODY_LIMIT - 2)}…\n`;
}

/** The body an issue is closed with. */
export function noDriftBody(live: string): string {
  return `${DRIFT_ISSUE_MARKER}\nNo drift any more: CRIC (\`${live}\`) agrees with the repository.\n`;
}

/** GitHub may store line endings as CRLF; the comparison ignores that and trailing blanks. */
function sameBody(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n/g, "\n").trimEnd();
  return norm(a) === norm(b);
}

/**
 * Drift and no issue: create one. Drift and an issue: update it, unless its body is already this one.
 * No drift and an issue: close it. No drift and no issue: nothing.
 */
export function decideDriftIssue(
  current: CurrentDriftIssue | undefined,
  drift: DriftSummary,
): DriftIssueAction {
  if (drift.changes === 0) {
    return current
      ? { kind: "close", number: current.number, body: noDriftBody(drift.live) }
      : { kind: "none" };
  }
  const title = driftIssueTitle(drift.changes);
  const body = driftIssueBody(drift);
  if (!current) return { kind: "create", title, body };
  if (sameBody(current.body, body)) return { kind: "none", number: current.number };
  return { kind: "update", number: current.number, title, body };
}
