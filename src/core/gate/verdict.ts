import type { DiffReport } from "../diff/model.js";
import type { UnitVerdict } from "../policy/evaluate.js";
import type { FoundTicket } from "./tickets-check.js";

export type CheckName = "validation" | "ticket" | "ownership" | "policy" | "notice";
export type CheckStatus = "pass" | "fail" | "skipped";

export interface GateCheck {
  name: CheckName;
  status: CheckStatus;
  message: string;
  details?: unknown;
}

/** Who owns a changed object's file, and whether one of them approved. */
export interface OwnershipRow {
  object: string;
  file: string;
  owners: string[];
  approvedBy?: string;
}

/** The `siteops check --format json` contract. */
export interface GateVerdict {
  verdict: "pass" | "fail";
  checks: GateCheck[];
  tickets: FoundTicket[];
  changes: DiffReport;
}

export function combine(checks: GateCheck[], tickets: FoundTicket[], changes: DiffReport): GateVerdict {
  return { verdict: checks.some((c) => c.status === "fail") ? "fail" : "pass", checks, tickets, changes };
}

export function ticketCheck(tickets: readonly FoundTicket[], systems: readonly string[]): GateCheck {
  if (tickets.length > 0) {
    return { name: "ticket", status: "pass", message: `references ${tickets.map((t) => t.id).join(", ")}` };
  }
  return {
    name: "ticket",
    status: "fail",
    message: `no ticket reference found. Put a ${[...new Set(systems)].join(", ")} ticket in the title or body (e.g. \`GGUS:1001605\`, \`ADCDPA-123\`, \`INC4033110\`) or a \`Ticket:\` trailer in a commit.`,
  };
}

export function ownershipCheck(rows: readonly OwnershipRow[], reviewsKnown: boolean): GateCheck {
  const missing = rows.filter((r) => !r.approvedBy);
  if (missing.length === 0) {
    return {
      name: "ownership",
      status: "pass",
      message: rows.length ? "every changed object is approved by an owner" : "nothing to approve",
      details: rows,
    };
  }
  const needs = missing.map((r) => `${r.object}: ${r.owners.join(" or ") || "(no owner)"}`).join("; ");
  return {
    name: "ownership",
    status: reviewsKnown ? "fail" : "skipped",
    message: reviewsKnown
      ? `still needs approval: ${needs}`
      : `reviews not read (no token): needs approval from ${needs}`,
    details: rows,
  };
}

export function policyCheck(verdicts: readonly UnitVerdict[]): GateCheck {
  const denied = verdicts.filter((v) => !v.allowed);
  if (denied.length === 0)
    return {
      name: "policy",
      status: "pass",
      message: verdicts.length ? "every change is allowed by a policy rule" : "nothing to check",
    };
  const lines = denied.map(
    (v) =>
      `${v.unit.what}: ${v.reason}. Could approve instead: ${v.couldApprove.join(", ")}${v.unverifiable.length ? ` (team membership of ${v.unverifiable.join(", ")} not checked offline)` : ""}`,
  );
  return {
    name: "policy",
    status: "fail",
    message: `${denied.length} change${denied.length === 1 ? "" : "s"} not allowed for the author or an approver: ${lines.join("; ")}`,
    details: denied.map((v) => ({
      what: v.unit.what,
      file: v.unit.change.file,
      reason: v.reason,
      couldApprove: v.couldApprove,
    })),
  };
}
