import type { GateVerdict, OwnershipRow } from "../gate/verdict.js";
import type { Problem } from "../model.js";
import type { PullRequestInfo } from "../ports.js";

export interface CheckResultView {
  verdict: GateVerdict;
  ownership: readonly OwnershipRow[];
  problems: readonly Problem[];
  pullRequest?: PullRequestInfo;
  /** Where the complete report is (e.g. the workflow run), for truncated comments. */
  fullReport?: string;
}
