/**
 * The statistics behind a proposal: robust median with MAD outlier rejection, rounding, change
 * threshold and stability (spread and drift). Pure functions of numbers.
 */
import type { GroupStats, Point } from "./model.js";

/** Scales the median absolute deviation to the standard deviation of normally distributed data. */
export const MAD_SCALE = 1.4826;
/** Spread floor as a fraction of the median, so identical samples (MAD 0) do not make every other sample an outlier. */
export const MIN_SPREAD_FRACTION = 0.005;

export interface StatsRules {
  minSamples: number;
  outlierMadK: number;
  decimals: number;
  maxSpreadPercent: number;
  maxDriftPercent: number;
}

/** The median; for an even count the mean of the two middle values. NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median absolute deviation from `center` (default: the median). */
export function mad(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

/** Rounds half away from zero to `decimals` places, exactly for decimal inputs (1.005 -> 1.01). */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const sign = value < 0 ? -1 : 1;
  const text = String(Math.abs(value));
  if (text.includes("e")) return sign * (Math.round(Math.abs(value) * 10 ** decimals) / 10 ** decimals);
  const shifted = Number(`${text}e${decimals}`);
  return sign * Number(`${Math.round(shifted)}e-${decimals}`);
}

/** Relative change from `before` to `after`, in percent (signed). */
export function changePercent(before: number, after: number): number {
  return before === 0 ? Number.POSITIVE_INFINITY : ((after - before) / Math.abs(before)) * 100;
}

/** Whether a change reaches the threshold (|change| >= threshold %), with a little float tolerance. */
export function reachesThreshold(before: number, after: number, thresholdPercent: number): boolean {
  if (after === before) return false;
  return Math.abs(changePercent(before, after)) >= thresholdPercent - 1e-9;
}

/** Splits points into those within k scaled MADs of the median and the outliers. */
export function rejectOutliers(points: readonly Point[], k: number): { kept: Point[]; outliers: Point[] } {
  const values = points.map((p) => p.value);
  const center = median(values);
  const sigma = Math.max(MAD_SCALE * mad(values, center), MIN_SPREAD_FRACTION * Math.abs(center));
  const kept: Point[] = [];
  const outliers: Point[] = [];
  for (const point of points)
    (Math.abs(point.value - center) <= k * sigma + 1e-12 ? kept : outliers).push(point);
  return { kept, outliers };
}

/** Robust spread in percent of the median: 1.4826 x MAD / median. */
export function spreadPercent(values: readonly number[]): number {
  const center = median(values);
  return center === 0 ? 0 : ((MAD_SCALE * mad(values, center)) / Math.abs(center)) * 100;
}

/**
 * Drift in percent: how far the median of the newer half of the points (by time) is from the median
 * of the older half, relative to the median of all. 0 for fewer than two points.
 */
export function driftPercent(points: readonly Point[]): number {
  if (points.length < 2) return 0;
  const byTime = [...points].sort((a, b) => a.timeMs - b.timeMs);
  const half = Math.floor(byTime.length / 2);
  const older = median(byTime.slice(0, half).map((p) => p.value));
  const newer = median(byTime.slice(half).map((p) => p.value));
  const center = median(byTime.map((p) => p.value));
  return center === 0 ? 0 : (Math.abs(newer - older) / Math.abs(center)) * 100;
}

export type StatsOutcome =
  | { ok: true; stats: GroupStats }
  | {
      ok: false;
      reason: "too-few-samples" | "unstable-spread" | "unstable-drift";
      detail: string;
      stats?: GroupStats;
    };

/** The statistics of one target's points, or why they do not support a value. */
export function evaluatePoints(points: readonly Point[], rules: StatsRules): StatsOutcome {
  if (points.length < rules.minSamples) {
    return {
      ok: false,
      reason: "too-few-samples",
      detail: `${points.length} result(s) in the window, ${rules.minSamples} needed`,
    };
  }
  const { kept, outliers } = rejectOutliers(points, rules.outlierMadK);
  const values = kept.map((p) => p.value);
  const center = median(values);
  const byTime = [...kept].sort((a, b) => a.timeMs - b.timeMs);
  const stats: GroupStats = {
    value: roundTo(center, rules.decimals),
    median: center,
    kept: byTime,
    outliers,
    hosts: new Set(kept.map((p) => p.host)).size,
    spreadPercent: spreadPercent(values),
    driftPercent: driftPercent(kept),
    first: byTime[0]?.time ?? "",
    last: byTime.at(-1)?.time ?? "",
  };
  if (kept.length < rules.minSamples) {
    return {
      ok: false,
      reason: "too-few-samples",
      detail: `${kept.length} result(s) left after removing ${outliers.length} outlier(s), ${rules.minSamples} needed`,
      stats,
    };
  }
  if (stats.spreadPercent > rules.maxSpreadPercent + 1e-9) {
    return {
      ok: false,
      reason: "unstable-spread",
      detail: `spread ${stats.spreadPercent.toFixed(1)} % is above ${rules.maxSpreadPercent} %`,
      stats,
    };
  }
  if (stats.driftPercent > rules.maxDriftPercent + 1e-9) {
    return {
      ok: false,
      reason: "unstable-drift",
      detail: `older and newer halves of the window differ by ${stats.driftPercent.toFixed(1)} %, more than ${rules.maxDriftPercent} %`,
      stats,
    };
  }
  return { ok: true, stats };
}
