/**
 * HEP Benchmark Suite result documents (bmkrun 3.x, as published to the WLCG Benchmark DB) turned
 * into samples. Every unusable record becomes a counted skip with its reason; nothing throws.
 *
 * Read: `host.tags.site` (WLCG resource centre), optional `host.tags.atlas_site` and `host.tags.queue`,
 * `host.hostname`, `host.HW.CPU.CPU_Model`, `profiles.hepscore` (or its newer `report` nesting):
 * `score_per_core`, `status`, `app_info.name`, and `_timestamp`.
 */
import type { Sample, Skip } from "./model.js";

export interface FeedItem {
  /** The feed as given (`--feed` value): a file, folder or URL. */
  feed: string;
  source: string;
  value?: unknown;
  /** Set when the text could not be read as JSON. */
  error?: string;
}

export interface RecordRules {
  benchmark: string;
  minScore: number;
  maxScore: number;
  nowMs: number;
  windowDays: number;
  clockSkewMinutes: number;
}

export type RecordResult = { sample: Sample } | { skip: Skip };

/**
 * Splits one feed text into items: a JSON document, a JSON array of documents, an OpenSearch answer
 * (`hits.hits[]._source`), or JSON lines (one document per line).
 */
export function splitFeedText(feed: string, source: string, text: string): FeedItem[] {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return unwrap(feed, source, JSON.parse(trimmed));
    } catch {
      // Not one document: read it as JSON lines below.
    }
  }
  const items: FeedItem[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const where = `${source}:${i + 1}`;
    try {
      items.push(...unwrap(feed, where, JSON.parse(line)));
    } catch (error) {
      items.push({ feed, source: where, error: (error as Error).message });
    }
  }
  return items;
}

function unwrap(feed: string, source: string, value: unknown): FeedItem[] {
  if (Array.isArray(value)) return value.map((v, i) => ({ feed, source: `${source}[${i}]`, value: v }));
  const hits = (value as { hits?: { hits?: unknown } } | null)?.hits?.hits;
  if (Array.isArray(hits)) {
    return hits.map((hit, i) => ({
      feed,
      source: `${source}[${i}]`,
      value: (hit as { _source?: unknown } | null)?._source ?? hit,
    }));
  }
  return [{ feed, source, value }];
}

const skip = (reason: Skip["reason"], source: string, detail: string): RecordResult => ({
  skip: { reason, source, detail },
});

/** One feed item as a sample, or the reason it is not usable. */
export function parseRecord(item: FeedItem, rules: RecordRules): RecordResult {
  const { source } = item;
  if (item.error !== undefined) return skip("unparsable", source, `not JSON (${item.error})`);
  const doc = item.value;
  if (!isObject(doc)) return skip("not-a-result", source, "not a JSON object");
  if (!isObject(doc.host) && !isObject(doc.profiles)) {
    return skip("not-a-result", source, "neither `host` nor `profiles`: not a benchmark suite result");
  }
  const outer = isObject(doc.profiles) ? doc.profiles.hepscore : undefined;
  if (!isObject(outer)) return skip("no-hepscore", source, "no profiles.hepscore (e.g. a DB12-only run)");
  const hs = isObject(outer.report) ? { ...outer, ...outer.report } : outer;
  const status = hs.status;
  if (status === undefined) return skip("missing-field", source, "profiles.hepscore.status is missing");
  if (status !== "success") return skip("failed-status", source, `status is ${JSON.stringify(status)}`);
  const name = isObject(hs.app_info) ? text(hs.app_info.name) : undefined;
  if (name === undefined) {
    return skip("missing-field", source, "profiles.hepscore.app_info.name is missing");
  }
  if (name !== rules.benchmark)
    return skip("wrong-benchmark", source, `${name}; ${rules.benchmark} required`);
  const host = isObject(doc.host) ? doc.host : {};
  const tags = isObject(host.tags) ? host.tags : {};
  const site = text(tags.site);
  if (!site) return skip("missing-site", source, "host.tags.site is missing or empty");
  const raw = hs.score_per_core;
  if (raw === undefined) return skip("missing-field", source, "profiles.hepscore.score_per_core is missing");
  const value = toNumber(raw);
  if (value === undefined)
    return skip("bad-score", source, `score_per_core ${JSON.stringify(raw)} is not a number`);
  if (value <= 0) return skip("non-positive-score", source, `score_per_core ${value} is not positive`);
  if (value < rules.minScore || value > rules.maxScore) {
    return skip(
      "absurd-score",
      source,
      `score_per_core ${value} is outside ${rules.minScore}..${rules.maxScore} HS23/core`,
    );
  }
  const stamp = doc._timestamp;
  if (stamp === undefined) return skip("missing-field", source, "_timestamp is missing");
  const timeMs =
    typeof stamp === "string" && /^\d{4}-\d\d-\d\dT/.test(stamp) ? Date.parse(stamp) : Number.NaN;
  if (!Number.isFinite(timeMs)) {
    return skip("bad-timestamp", source, `_timestamp ${JSON.stringify(stamp)} is not an ISO 8601 time`);
  }
  if (timeMs > rules.nowMs + rules.clockSkewMinutes * 60_000) {
    return skip("future-timestamp", source, `_timestamp ${stamp} is in the future`);
  }
  if (timeMs < rules.nowMs - rules.windowDays * 86_400_000) {
    return skip("outside-window", source, `_timestamp ${stamp} is older than ${rules.windowDays} days`);
  }
  const cpu = isObject(host.HW) && isObject(host.HW.CPU) ? host.HW.CPU : {};
  const atlasSite = text(tags.atlas_site);
  const queue = text(tags.queue);
  return {
    sample: {
      site,
      ...(atlasSite ? { atlasSite } : {}),
      ...(queue ? { queue } : {}),
      host: text(host.hostname) ?? text(doc._id) ?? "unknown host",
      cpuModel: text(cpu.CPU_Model) ?? "unknown CPU",
      value,
      time: new Date(timeMs).toISOString().replace(/\.000Z$/, "Z"),
      timeMs,
      source,
      feed: item.feed,
    },
  };
}

/**
 * Samples and skips of many items; a result seen twice (same site, host and time, e.g. from two
 * overlapping feeds) counts once.
 */
export function parseRecords(
  items: readonly FeedItem[],
  rules: RecordRules,
): { samples: Sample[]; skipped: Skip[] } {
  const samples: Sample[] = [];
  const skipped: Skip[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const result = parseRecord(item, rules);
    if ("skip" in result) {
      skipped.push(result.skip);
      continue;
    }
    const { sample } = result;
    const key = `${sample.site.toLowerCase()}|${sample.host}|${sample.timeMs}`;
    if (seen.has(key)) {
      skipped.push({
        reason: "duplicate",
        source: item.source,
        detail: `${sample.host} at ${sample.time} seen before`,
      });
      continue;
    }
    seen.add(key);
    samples.push(sample);
  }
  return { samples, skipped };
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw))
    return Number(raw);
  return undefined;
}

/** A trimmed string without control characters (feed text ends up in terminals and logs), or undefined. */
function text(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0)!;
    out += code < 0x20 || (code >= 0x7f && code < 0xa0) ? " " : char;
  }
  return out.trim() === "" ? undefined : out.trim();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
