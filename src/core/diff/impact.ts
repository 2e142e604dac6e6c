import { formatNumber } from "./format-number.js";
import type { Impact } from "./model.js";

// Rendering formats values with it too; it is exported from here since before it had a file of its own.
export { formatNumber };

/** The effective values PanDA computes with, for one queue in one revision. */
export interface QueueFacts {
  corecount?: number;
  corepower?: number;
  maxrss?: number;
  maxtime?: number;
  perCoreMemory: boolean;
}

function hs06(f: QueueFacts): number | undefined {
  return f.corecount !== undefined && f.corepower !== undefined ? f.corecount * f.corepower : undefined;
}

function memoryPerCore(f: QueueFacts): number | undefined {
  if (f.maxrss === undefined) return undefined;
  if (f.perCoreMemory) return f.maxrss;
  return f.corecount ? f.maxrss / f.corecount : undefined;
}

/**
 * What a change means for PanDA: HS06 per job slot (brokerage walltime limits and accounting use
 * corecount x corepower), memory per core (HIMEM brokering), and walltime in hours.
 */
export function queueImpact(
  before: QueueFacts,
  after: QueueFacts,
  himemMbPerCore: number,
  queue?: string,
): Impact[] {
  const out: Impact[] = [];
  const at = queue ? { queue } : {};
  const slotBefore = hs06(before);
  const slotAfter = hs06(after);
  if (slotBefore !== slotAfter && (slotBefore !== undefined || slotAfter !== undefined)) {
    const show = (f: QueueFacts, v: number | undefined) =>
      v === undefined
        ? "undefined"
        : `${formatNumber(v)} HS06 (${f.corecount} x ${formatNumber(f.corepower ?? 0)})`;
    out.push({
      what: "HS06 per job slot (corecount x corepower)",
      before: show(before, slotBefore),
      after: show(after, slotAfter),
      ...at,
    });
  }
  const memBefore = memoryPerCore(before);
  const memAfter = memoryPerCore(after);
  if (memBefore !== memAfter && memBefore !== undefined && memAfter !== undefined) {
    const crosses = memBefore > himemMbPerCore !== memAfter > himemMbPerCore;
    out.push({
      what: crosses
        ? `Memory per core (crosses the HIMEM threshold of ${formatNumber(himemMbPerCore)} MB/core: ${memAfter > himemMbPerCore ? "now takes" : "no longer takes"} HIMEM jobs)`
        : "Memory per core",
      before: `${formatNumber(memBefore, 0)} MB/core`,
      after: `${formatNumber(memAfter, 0)} MB/core`,
      ...at,
      ...(crosses ? { flag: "himem-boundary" as const } : {}),
    });
  }
  if (before.maxtime !== after.maxtime && before.maxtime !== undefined && after.maxtime !== undefined) {
    out.push({
      what: "Maximum walltime",
      before: `${formatNumber(before.maxtime / 3600, 1)} h`,
      after: `${formatNumber(after.maxtime / 3600, 1)} h`,
      ...at,
    });
  }
  return out;
}
