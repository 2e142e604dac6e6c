/**
 * The corepower bot's data: benchmark samples from feeds, the places in the tree where corepower is
 * defined (targets), and what the bot proposes, holds back or skips. Pure data, no behaviour.
 */

/** One usable benchmark result. */
export interface Sample {
  /** `host.tags.site`: the WLCG resource-centre name (rc_site / gocname). */
  site: string;
  /** `host.tags.atlas_site`, when the feed names the ATLAS site (resource centres shared by several). */
  atlasSite?: string;
  /** `host.tags.queue`, when the result was measured for one PanDA queue. */
  queue?: string;
  host: string;
  cpuModel: string;
  /** HS23 per core. */
  value: number;
  /** ISO 8601 UTC. */
  time: string;
  timeMs: number;
  /** Where the record came from: `feed/a.json`, `feed.jsonl:12`. */
  source: string;
  /** The feed as given: a file, folder or URL. */
  feed: string;
}

/** Why a record (or hardware entry) was not used. */
export const SKIP_REASONS = [
  "unparsable",
  "not-a-result",
  "no-hepscore",
  "failed-status",
  "wrong-benchmark",
  "missing-field",
  "missing-site",
  "bad-score",
  "non-positive-score",
  "absurd-score",
  "bad-timestamp",
  "future-timestamp",
  "outside-window",
  "duplicate",
  "unknown-site",
  "ambiguous-site",
  "unknown-queue",
  "no-target",
  "bad-hardware",
  "unknown-cpu-model",
  "hardware-in-site-file",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface Skip {
  reason: SkipReason;
  source: string;
  /** "HEPscore19; HEPscore23 required". */
  detail: string;
}

/** A pin: the value at a target is kept as it is, for a ticket, optionally until a date. */
export interface Pin {
  value?: number;
  ticket?: string;
  /** YYYY-MM-DD, the last pinned day. */
  until?: string;
  /** What is wrong with the pin's shape (it still pins). */
  problem?: string;
}

export type TargetPath = "corepower" | "queue_defaults.corepower";

/** A place where a corepower value is defined: a site's default or a queue's own value. */
export interface Target {
  /** `sites/US/AGLT2/site.yaml#queue_defaults.corepower`. */
  key: string;
  cloud: string;
  site: string;
  queue?: string;
  file: string;
  path: TargetPath;
  before: number;
  pin?: Pin;
  /** Queues whose effective corepower is this value, with their corecount (for HS06 per job). */
  queues: { name: string; corecount?: number }[];
}

export interface Point {
  time: string;
  timeMs: number;
  value: number;
  host: string;
}

/** The statistics of one target's samples. */
export interface GroupStats {
  /** The robust median, rounded. */
  value: number;
  median: number;
  kept: Point[];
  outliers: Point[];
  hosts: number;
  spreadPercent: number;
  driftPercent: number;
  first: string;
  last: string;
}

export type ProposalMethod = "feed" | "hardware";

export interface Proposal {
  target: Target;
  after: number;
  changePercent: number;
  /** Beyond the bot's policy limit: a cloud team must approve. */
  needsApproval: boolean;
  method: ProposalMethod;
  samples: number;
  stats?: GroupStats;
  /** For hardware estimates: the declared CPU models and their scores. */
  hardware?: { cpuModel: string; cores: number; score: number }[];
  /** Feed sources the samples came from. */
  feeds: string[];
}

export type HeldReason =
  | "too-few-samples"
  | "unstable-spread"
  | "unstable-drift"
  | "below-threshold"
  | "pinned"
  | "suppressed";

export interface Held {
  target: Target;
  reason: HeldReason;
  detail: string;
  after?: number;
}

/** An expired pin, proposed for removal. */
export interface PinRemoval {
  target: Target;
  pin: Pin;
  /** `corepower_pin` or `queue_defaults.corepower_pin`. */
  path: string;
}

export interface Plan {
  proposals: Proposal[];
  removals: PinRemoval[];
  held: Held[];
  skipped: Skip[];
  /** Pin or tree remarks worth a look ("where: what. how to fix."). */
  notes: string[];
}

/** Key of one proposed value, for suppression: `file#path|before->after`. */
export function valueKey(
  file: string,
  path: string,
  before: number | "pin",
  after: number | "remove",
): string {
  return `${file}#${path}|${before}->${after}`;
}
