import type { ATLASCloud } from "../generated/cloud.js";
import type { PanDAQueue } from "../generated/queue.js";
import type { ATLASSite } from "../generated/site.js";
import type { Locator } from "../model.js";

export interface Entry<T> {
  file: string;
  data: T;
  locate: Locator;
  /**
   * Fields removed because they violate the schema (already reported). Rules still run on the
   * rest so one run reports everything, but must not report a field as missing when it is here.
   */
  pruned?: ReadonlySet<string>;
}

export interface CloudEntry extends Entry<ATLASCloud> {
  folder: string;
}

export interface SiteEntry extends Entry<ATLASSite> {
  cloudFolder: string;
  folder: string;
}

export interface QueueEntry extends Entry<PanDAQueue> {
  cloudFolder: string;
  siteFolder: string;
  /** The file's base name without `.yaml`, which must equal the queue name. */
  fileName: string;
}

/** Every object of a configuration tree that parsed and passed its schema, with where it lives. */
export interface ConfigTree {
  clouds: CloudEntry[];
  sites: SiteEntry[];
  queues: QueueEntry[];
  /**
   * Names of queues and DDM endpoints in files that parsed but failed their schema: they exist,
   * so references to them are not reported as unknown (the schema problem is reported instead).
   */
  invalidNames: { queues: Set<string>; endpoints: Set<string> };
}

/** Where an effective queue value comes from. */
export type ValueSource = "queue" | "site";

export interface EffectiveQueue {
  values: Record<string, unknown>;
  sources: Record<string, ValueSource>;
}

/**
 * Computes a queue's effective values: its own, plus each inheritable field the queue leaves
 * unset and its site's `queue_defaults` sets (CRIC's queue -> site inheritance).
 */
export function resolveEffective(
  queue: PanDAQueue,
  site: ATLASSite | undefined,
  inheritable: readonly string[],
): EffectiveQueue {
  const values: Record<string, unknown> = { ...queue };
  const sources: Record<string, ValueSource> = {};
  for (const key of Object.keys(queue)) sources[key] = "queue";
  const defaults = (site?.queue_defaults ?? {}) as Record<string, unknown>;
  for (const field of inheritable) {
    if (values[field] === undefined && defaults[field] !== undefined) {
      values[field] = defaults[field];
      sources[field] = "site";
    }
  }
  return { values, sources };
}

/** Indexes the sites of a tree by name (exact case). */
export function sitesByName(tree: ConfigTree): Map<string, SiteEntry> {
  return new Map(tree.sites.map((s) => [s.data.name, s]));
}
