/**
 * Keeps the one CRIC drift issue in step with the drift found now (`siteops cric drift --issue`): opens it
 * when drift appears, updates it when the drift changes, closes it when the drift is gone.
 */
import {
  DRIFT_ISSUE_LABEL,
  DRIFT_ISSUE_MARKER,
  type DriftIssueAction,
  type DriftSummary,
  decideDriftIssue,
} from "../core/cric/drift-issue.js";
import type { CodeHost } from "../core/ports.js";

export type DriftIssueHost = Pick<CodeHost, "findOpenIssue" | "createIssue" | "updateIssue">;

export interface DriftIssueOutcome {
  action: DriftIssueAction["kind"];
  /** The issue acted on (or left as it is); absent when there was none and no drift. */
  number?: number;
}

export async function syncDriftIssue(host: DriftIssueHost, drift: DriftSummary): Promise<DriftIssueOutcome> {
  const current = await host.findOpenIssue(DRIFT_ISSUE_LABEL, DRIFT_ISSUE_MARKER);
  const action = decideDriftIssue(current, drift);
  switch (action.kind) {
    case "create": {
      const number = await host.createIssue(action.title, action.body, [DRIFT_ISSUE_LABEL]);
      return { action: "create", number };
    }
    case "update":
      await host.updateIssue(action.number, { title: action.title, body: action.body });
      return { action: "update", number: action.number };
    case "close":
      await host.updateIssue(action.number, { body: action.body, state: "closed" });
      return { action: "close", number: action.number };
    case "none":
      return action.number === undefined ? { action: "none" } : { action: "none", number: action.number };
  }
}

/** One line for stderr saying what happened to the issue. */
export function describeOutcome(outcome: DriftIssueOutcome): string {
  const n = outcome.number;
  switch (outcome.action) {
    case "create":
      return `opened drift issue #${n}`;
    case "update":
      return `updated drift issue #${n}`;
    case "close":
      return `closed drift issue #${n}: no drift any more`;
    case "none":
      return n === undefined ? "no drift issue to open or close" : `drift issue #${n} is up to date`;
  }
}
