import type { ObjectChange } from "../diff/model.js";

export interface Disruption {
  change: ObjectChange;
  what: string;
}

/**
 * Changes that take capacity or data access away from running work: removed queues and DDM
 * endpoints, disabled objects, and reductions of the configured resource fields.
 */
export function findDisruptions(
  changes: readonly ObjectChange[],
  reducedFields: readonly string[],
): Disruption[] {
  const out: Disruption[] = [];
  for (const change of changes) {
    const label = `${change.kind} ${change.name}`;
    if (
      change.action === "removed" &&
      (change.kind === "queue" || change.kind === "ddmendpoint" || change.kind === "site")
    ) {
      out.push({ change, what: `${label} removed` });
      continue;
    }
    for (const field of change.fields) {
      if (field.path === "state" && field.after === "DISABLED")
        out.push({ change, what: `${label} disabled` });
      if (
        reducedFields.includes(field.path) &&
        typeof field.before === "number" &&
        typeof field.after === "number" &&
        field.after < field.before
      ) {
        out.push({ change, what: `${label}: ${field.path} reduced from ${field.before} to ${field.after}` });
      }
      if (/^queues\[[^\]]+\]\.ce_state$/.test(field.path) && field.after === "DISABLED") {
        out.push({ change, what: `${label}: ${field.path.slice(0, field.path.indexOf("]") + 1)} disabled` });
      }
    }
  }
  return out;
}

export interface NoticeInput {
  disruptions: readonly Disruption[];
  hours: number;
  /** When the affected sites got the heads-up; undefined when it has not been sent. */
  headsUpAt: Date | undefined;
  now: Date;
  urgent: boolean;
  urgentLabel: string;
}

export interface NoticeVerdict {
  status: "pass" | "fail" | "skipped";
  message: string;
  /** ISO time from which the pull request may merge, for disruptive changes. */
  earliestMerge?: string;
}

export function noticeVerdict(input: NoticeInput): NoticeVerdict {
  if (input.disruptions.length === 0) return { status: "pass", message: "no disruptive change" };
  const list = input.disruptions.map((d) => d.what).join("; ");
  if (input.urgent) {
    return {
      status: "pass",
      message: `disruptive (${list}); notice waived by the \`${input.urgentLabel}\` label`,
    };
  }
  if (!input.headsUpAt) {
    return {
      status: "fail",
      message: `disruptive (${list}); the affected sites have not had their heads-up yet, so the ${input.hours} h notice has not started`,
    };
  }
  const earliest = new Date(input.headsUpAt.getTime() + input.hours * 3_600_000);
  const at = earliest.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (input.now >= earliest)
    return {
      status: "pass",
      message: `disruptive (${list}); the ${input.hours} h notice ended at ${at}`,
      earliestMerge: at,
    };
  return {
    status: "fail",
    message: `disruptive (${list}); may merge from ${at} (${input.hours} h after the heads-up), or earlier with the \`${input.urgentLabel}\` label set by the central team`,
    earliestMerge: at,
  };
}
