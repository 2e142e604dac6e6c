import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Point } from "../../src/core/corepower/model.js";
import {
  changePercent,
  driftPercent,
  evaluatePoints,
  mad,
  median,
  reachesThreshold,
  rejectOutliers,
  roundTo,
  type StatsRules,
  spreadPercent,
} from "../../src/core/corepower/stats.js";

const RULES: StatsRules = {
  minSamples: 5,
  outlierMadK: 3.5,
  decimals: 2,
  maxSpreadPercent: 5,
  maxDriftPercent: 3,
};
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** Points one day apart, oldest first. */
function points(values: number[]): Point[] {
  return values.map((value, i) => ({
    value,
    timeMs: T0 + i * 86_400_000,
    time: new Date(T0 + i * 86_400_000).toISOString(),
    host: `wn${i % 3}`,
  }));
}

describe("median and MAD", () => {
  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it("MAD is the median distance from the median", () => {
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(mad([5, 5, 5])).toBe(0);
  });

  it("the median never leaves the range of the values (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (xs) => {
          const m = median(xs);
          return m >= Math.min(...xs) && m <= Math.max(...xs);
        },
      ),
    );
  });
});

describe("rounding rule: 2 decimals, half away from zero", () => {
  it.each([
    [14.994, 14.99],
    [14.995, 15],
    [1.005, 1.01],
    [2.675, 2.68],
    [13.8749999, 13.87],
    [-1.005, -1.01],
    [10, 10],
  ])("%s -> %s", (value, rounded) => {
    expect(roundTo(value, 2)).toBe(rounded);
  });

  it("rounds to other decimal counts", () => {
    expect(roundTo(14.86, 1)).toBe(14.9);
    expect(roundTo(14.5, 0)).toBe(15);
    expect(roundTo(1e-7, 2)).toBe(0);
  });
});

describe("outlier rejection with the MAD", () => {
  it("drops a result far from the others and keeps the rest", () => {
    const { kept, outliers } = rejectOutliers(points([14.1, 14.2, 14.0, 14.15, 14.05, 19.5]), 3.5);
    expect(outliers.map((p) => p.value)).toEqual([19.5]);
    expect(kept).toHaveLength(5);
  });

  it("drops low outliers too (a misconfigured node)", () => {
    const { outliers } = rejectOutliers(points([14.1, 14.2, 14.0, 14.15, 3.2, 14.05]), 3.5);
    expect(outliers.map((p) => p.value)).toEqual([3.2]);
  });

  it("with identical results (MAD 0), a floor of 0.5 % of the median keeps near values and drops far ones", () => {
    const { kept, outliers } = rejectOutliers(points([14, 14, 14, 14, 14.1, 16]), 3.5);
    expect(kept.map((p) => p.value)).toEqual([14, 14, 14, 14, 14.1]);
    expect(outliers.map((p) => p.value)).toEqual([16]);
  });
});

describe("evaluatePoints: minimum samples, stability, rounded value", () => {
  it("proposes the rounded median of the kept results", () => {
    const outcome = evaluatePoints(points([14.81, 14.79, 14.84, 14.77, 14.8, 22]), RULES);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.stats.value).toBe(14.8);
    expect(outcome.stats.kept).toHaveLength(5);
    expect(outcome.stats.outliers.map((p) => p.value)).toEqual([22]);
    expect(outcome.stats.hosts).toBe(3);
    expect(outcome.stats.first).toBe("2026-01-01T00:00:00.000Z");
  });

  it("holds back with fewer results than min_samples", () => {
    expect(evaluatePoints(points([14, 14.1, 14.2, 14.1]), RULES)).toMatchObject({
      ok: false,
      reason: "too-few-samples",
      detail: "4 result(s) in the window, 5 needed",
    });
  });

  it("holds back when outliers leave too few results", () => {
    const outcome = evaluatePoints(points([14, 14, 14, 14, 30, 31]), { ...RULES, minSamples: 5 });
    expect(outcome).toMatchObject({ ok: false, reason: "too-few-samples" });
  });

  it("holds back a noisy site (spread above max_spread_percent)", () => {
    const outcome = evaluatePoints(points([12, 13, 14, 15, 16, 12.5, 15.5]), RULES);
    expect(outcome).toMatchObject({ ok: false, reason: "unstable-spread" });
  });

  it("holds back a site whose hardware is changing (drift between the older and newer half)", () => {
    const outcome = evaluatePoints(points([13, 13.05, 13.1, 13, 13.05, 13.6, 13.65, 13.6, 13.7, 13.65]), {
      ...RULES,
      maxSpreadPercent: 10,
    });
    expect(outcome).toMatchObject({ ok: false, reason: "unstable-drift" });
    expect(driftPercent(points([13, 13, 14, 14]))).toBeCloseTo((1 / 13.5) * 100, 5);
  });

  it("spread is 1.4826 MAD over the median, in percent", () => {
    expect(spreadPercent([10, 10, 10.1, 9.9, 10])).toBeCloseTo(0, 10);
    expect(spreadPercent([9, 10, 11])).toBeCloseTo(14.826, 3);
  });
});

describe("change threshold", () => {
  it("proposes from exactly the threshold on, and never an unchanged value", () => {
    expect(reachesThreshold(10, 10.5, 5)).toBe(true);
    expect(reachesThreshold(10, 9.5, 5)).toBe(true);
    expect(reachesThreshold(10, 10.49, 5)).toBe(false);
    expect(reachesThreshold(13.87, 13.87, 0)).toBe(false);
    expect(reachesThreshold(13.87, 13.88, 0)).toBe(true);
  });

  it("change is signed and relative to the current value", () => {
    expect(changePercent(10, 12)).toBeCloseTo(20, 10);
    expect(changePercent(10, 8)).toBeCloseTo(-20, 10);
  });
});
