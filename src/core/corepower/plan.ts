/**
 * From samples (and hardware estimates) to a plan: which corepower values to change, which to hold
 * back and why, which expired pins to remove, and which records were skipped.
 */
import { compareNames } from "../order.js";
import type { HardwareEstimate } from "./hardware.js";
import type { Held, PinRemoval, Plan, Point, Proposal, Sample, Skip, Target, TargetPath } from "./model.js";
import { isExpired, PIN_FIELD, utcDay } from "./pins.js";
import type { CorepowerSettings } from "./settings.js";
import { changePercent, evaluatePoints, reachesThreshold, roundTo } from "./stats.js";
import { type CorepowerTree, indexSites, siteFor, siteTarget, siteTargets, targetsFor } from "./tree.js";

export interface PlanInput {
  tree: CorepowerTree;
  samples: readonly Sample[];
  /** Records already skipped while parsing. */
  skipped?: readonly Skip[];
  estimates?: readonly HardwareEstimate[];
  settings: CorepowerSettings;
  /**
   * Largest change the bot's policy rule allows per field, in percent: Infinity when the rule sets
   * no limit, 0 when no rule lets the bot change the field.
   */
  limits: Record<TargetPath, number>;
  now: Date;
}

interface Group {
  target: Target;
  points: Point[];
  feeds: Set<string>;
}

export function planCorepower(input: PlanInput): Plan {
  const { tree, settings } = input;
  const index = indexSites(tree);
  const skipped: Skip[] = [...(input.skipped ?? [])];
  const groups = new Map<string, Group>();
  const measured = new Set<string>();
  for (const sample of input.samples) {
    const found = targetsFor(sample, index);
    if ("skip" in found) {
      skipped.push(found.skip);
      continue;
    }
    const site = siteFor(sample, index);
    if ("site" in site) measured.add(site.site.file);
    for (const target of found.targets) {
      const group = groups.get(target.key) ?? { target, points: [], feeds: new Set<string>() };
      group.points.push({ time: sample.time, timeMs: sample.timeMs, value: sample.value, host: sample.host });
      group.feeds.add(sample.feed);
      groups.set(target.key, group);
    }
  }
  const today = utcDay(input.now);
  const proposals: Proposal[] = [];
  const held: Held[] = [];
  const notes = [...tree.notes];
  const decide = (
    target: Target,
    after: number,
    proposal: Omit<Proposal, "target" | "after" | "changePercent" | "needsApproval">,
  ) => {
    if (target.pin && !isExpired(target.pin, today)) {
      const until = target.pin.until ? ` until ${target.pin.until}` : "";
      held.push({
        target,
        reason: "pinned",
        detail: `pinned${target.pin.ticket ? ` (${target.pin.ticket})` : ""}${until}`,
        after,
      });
      return;
    }
    if (!reachesThreshold(target.before, after, settings.thresholdPercent)) {
      const pct = changePercent(target.before, after);
      held.push({
        target,
        reason: "below-threshold",
        detail: `${target.before} -> ${after} is ${formatPercent(pct)}, below the ${settings.thresholdPercent} % threshold`,
        after,
      });
      return;
    }
    const pct = changePercent(target.before, after);
    proposals.push({
      target,
      after,
      changePercent: pct,
      needsApproval: Math.abs(pct) > input.limits[target.path] + 1e-9,
      ...proposal,
    });
  };
  for (const group of groups.values()) {
    const outcome = evaluatePoints(group.points, settings);
    if (!outcome.ok) {
      held.push({ target: group.target, reason: outcome.reason, detail: outcome.detail });
      continue;
    }
    decide(group.target, outcome.stats.value, {
      method: "feed",
      samples: outcome.stats.kept.length,
      stats: outcome.stats,
      feeds: [...group.feeds].sort(),
    });
  }
  for (const estimate of input.estimates ?? []) {
    if (measured.has(estimate.site.file)) continue;
    const main = siteTarget(estimate.site);
    const targets = main ? [main] : siteTargets(estimate.site);
    if (targets.length === 0) {
      skipped.push({
        reason: "no-target",
        source: estimate.source,
        detail: `site ${estimate.site.name} and its queues set no corepower`,
      });
    }
    for (const target of targets) {
      decide(target, roundTo(estimate.value, settings.decimals), {
        method: "hardware",
        samples: estimate.entries.length,
        hardware: estimate.entries,
        feeds: [estimate.source],
      });
    }
  }
  const removals: PinRemoval[] = [];
  for (const site of tree.sites) {
    for (const target of pinnedTargets(site)) {
      const pin = target.pin!;
      const where = `${target.file}: ${target.path === "corepower" ? PIN_FIELD : `queue_defaults.${PIN_FIELD}`}`;
      if (pin.problem)
        notes.push(
          `${where}: ${pin.problem}; it still pins the value. Write {value, ticket, until: YYYY-MM-DD}.`,
        );
      if (isExpired(pin, today)) {
        removals.push({
          target,
          pin,
          path: target.path === "corepower" ? PIN_FIELD : `queue_defaults.${PIN_FIELD}`,
        });
      }
    }
  }
  const order = (a: { target: Target }, b: { target: Target }) => compareNames(a.target.key, b.target.key);
  return {
    proposals: proposals.sort(order),
    removals: removals.sort(order),
    held: held.sort(order),
    skipped,
    notes,
  };
}

/** Targets carrying a pin, including pins on queues or sites without a value (which pin nothing). */
function pinnedTargets(site: CorepowerTree["sites"][number]): Target[] {
  return siteTargets(site).filter((t) => t.pin !== undefined);
}

export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return "n/a";
  const rounded = Math.round(percent * 10) / 10;
  return `${rounded > 0 ? "+" : ""}${rounded.toFixed(1)} %`;
}

/** Skips counted by reason, most frequent first (ties by name). */
export function countSkips(skipped: readonly Skip[]): { reason: Skip["reason"]; count: number }[] {
  const counts = new Map<Skip["reason"], number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || compareNames(a.reason, b.reason));
}
