/**
 * A small mermaid `xychart-beta` per site: the results in the window as bars, the current and the
 * proposed value as lines. GitHub renders mermaid code blocks in pull-request bodies.
 */
import type { Point } from "./model.js";
import { median, roundTo } from "./stats.js";

/** Most bars in one chart; more results are shown as medians of consecutive groups. */
export const MAX_BARS = 40;

export interface ChartInput {
  title: string;
  points: readonly Point[];
  current: number;
  proposed: number;
}

/** The chart as a fenced mermaid block, or undefined without points. */
export function renderChart(input: ChartInput): string | undefined {
  if (input.points.length === 0) return undefined;
  const sorted = [...input.points].sort((a, b) => a.timeMs - b.timeMs);
  const size = Math.ceil(sorted.length / MAX_BARS);
  const bars: { label: string; value: number }[] = [];
  for (let i = 0; i < sorted.length; i += size) {
    const chunk = sorted.slice(i, i + size);
    bars.push({ label: chunk[0]!.time.slice(5, 10), value: roundTo(median(chunk.map((p) => p.value)), 2) });
  }
  const all = [...bars.map((b) => b.value), input.current, input.proposed];
  const low = Math.min(...all);
  const high = Math.max(...all);
  const pad = Math.max((high - low) * 0.1, 0.1);
  const min = Math.max(0, Math.floor((low - pad) * 10) / 10);
  const max = Math.ceil((high + pad) * 10) / 10;
  const series = (value: number) => `[${bars.map(() => value).join(", ")}]`;
  return [
    "```mermaid",
    "xychart-beta",
    `  title "${input.title.replace(/"/g, "'")}"`,
    `  x-axis [${bars.map((b) => `"${b.label}"`).join(", ")}]`,
    `  y-axis "HS23 per core" ${min} --> ${max}`,
    `  bar [${bars.map((b) => b.value).join(", ")}]`,
    `  line ${series(input.current)}`,
    `  line ${series(input.proposed)}`,
    "```",
  ].join("\n");
}
