/**
 * What `siteops corepower` prints: the JSON contract and a text summary. Pure renderers of a plan
 * and of the pull-request outcomes.
 */
import type { Plan } from "./model.js";
import { countSkips, formatPercent } from "./plan.js";
import { where } from "./pr-body.js";

export interface PullRequestOutcome {
  cloud: string;
  branch: string;
  action: "opened" | "updated" | "unchanged" | "blocked" | "no-pull-request";
  number?: number;
  url?: string;
  detail: string;
}

export interface JsonProposal {
  cloud: string;
  site: string;
  queue?: string;
  field: "corepower" | "corepower_pin";
  before: unknown;
  after: unknown;
  samples: number;
}

/** `{"proposals": [...], "skipped": [{"reason", "count"}]}` (plus `pullRequests` when PRs were handled). */
export function renderJson(plan: Plan, pullRequests?: readonly PullRequestOutcome[]): string {
  const proposals: JsonProposal[] = [
    ...plan.proposals.map((p) => ({
      cloud: p.target.cloud,
      site: p.target.site,
      ...(p.target.queue ? { queue: p.target.queue } : {}),
      field: "corepower" as const,
      before: p.target.before,
      after: p.after,
      samples: p.samples,
    })),
    ...plan.removals.map((r) => ({
      cloud: r.target.cloud,
      site: r.target.site,
      ...(r.target.queue ? { queue: r.target.queue } : {}),
      field: "corepower_pin" as const,
      before: r.pin,
      after: null,
      samples: 0,
    })),
  ];
  const out: Record<string, unknown> = { proposals, skipped: countSkips(plan.skipped) };
  if (pullRequests) out.pullRequests = pullRequests;
  return `${JSON.stringify(out, null, 2)}\n`;
}

export function renderText(
  plan: Plan,
  pullRequests?: readonly PullRequestOutcome[],
  written?: readonly string[],
): string {
  const lines: string[] = [];
  const skipped = countSkips(plan.skipped);
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  lines.push(
    `corepower: ${n(plan.proposals.length, "proposal")}, ${n(plan.removals.length, "expired pin")}, ${plan.held.length} held back, ${n(plan.skipped.length, "record")} skipped`,
  );
  if (plan.proposals.length > 0 || plan.removals.length > 0) lines.push("", "Proposed:");
  for (const p of plan.proposals) {
    const flag = p.needsApproval ? "  needs cloud-team approval (beyond the bot's policy limit)" : "";
    const how = p.method === "hardware" ? "declared hardware" : `${p.samples} samples`;
    lines.push(
      `  ${p.target.cloud.padEnd(4)} ${where(p.target).padEnd(36)} ${p.target.path.padEnd(25)} ${p.target.before} -> ${p.after} (${formatPercent(p.changePercent)}, ${how})${flag}`,
    );
  }
  for (const r of plan.removals) {
    lines.push(
      `  ${r.target.cloud.padEnd(4)} ${where(r.target).padEnd(36)} ${r.path.padEnd(25)} remove expired pin (until ${r.pin.until})`,
    );
  }
  if (plan.held.length > 0) lines.push("", "Held back:");
  for (const h of plan.held) {
    lines.push(`  ${h.target.cloud.padEnd(4)} ${where(h.target).padEnd(36)} ${h.reason}: ${h.detail}`);
  }
  if (skipped.length > 0) lines.push("", "Skipped records:");
  for (const s of skipped) {
    const example = plan.skipped.find((x) => x.reason === s.reason);
    lines.push(
      `  ${s.reason.padEnd(20)} ${String(s.count).padStart(5)}  e.g. ${example?.source}: ${example?.detail}`,
    );
  }
  if (plan.notes.length > 0) lines.push("", "Notes:", ...plan.notes.map((note) => `  ${note}`));
  if (written && written.length > 0) lines.push("", "Written:", ...written.map((f) => `  ${f}`));
  if (pullRequests && pullRequests.length > 0) {
    lines.push("", "Pull requests:");
    for (const pr of pullRequests) {
      lines.push(
        `  ${pr.cloud.padEnd(4)} ${pr.action}${pr.number ? ` #${pr.number}` : ""} (${pr.branch}): ${pr.detail}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
