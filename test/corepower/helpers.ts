/**
 * Shared test data for the corepower bot: HEPscore23 result documents built from the real HEP
 * Benchmark Suite sample (/work/shared/realdata), default settings, in-memory trees and a CliIo.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CliIo } from "../../src/cli/io.js";
import { type CorepowerSettings, readCorepowerSettings } from "../../src/core/corepower/settings.js";
import type { SourceFile } from "../../src/core/model.js";

/** The shipped configuration schema, whose `corepower` section the bot's settings are read against. */
export const CONFIG_SCHEMA: unknown = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "schemas", "config.schema.json"), "utf8"),
);

/** The shared reference data beside the repository (`../shared/realdata`), as CI lays it out. */
export const REALDATA =
  [join(import.meta.dirname, "..", "..", "..", "shared", "realdata"), "/work/shared/realdata"].find((dir) =>
    existsSync(dir),
  ) ?? join(import.meta.dirname, "..", "..", "..", "shared", "realdata");
export const SAMPLE_FILE = join(REALDATA, "hepbenchmarksuite_result_profile_sample.json");
export const DB12_FILE = join(REALDATA, "hepbenchmarksuite_result_profile_db12.json");
export const NOW = new Date("2026-03-31T12:00:00Z");
const DAY = 86_400_000;

/** A result document as tests edit it: any JSON, reached by plain property access. */
// biome-ignore lint/suspicious/noExplicitAny: tests change nested fields of real JSON documents freely.
export type Doc = Record<string, any>;

/** The real sample document (HEPscore19, no site tag), freshly parsed. */
export function realSample(): Doc {
  return JSON.parse(readFileSync(SAMPLE_FILE, "utf8")) as Doc;
}

export interface Hs23 {
  site: string;
  value: unknown;
  /** Days before NOW (may be fractional or negative for the future). */
  daysAgo?: number;
  host?: string;
  cpu?: string;
  queue?: string;
  atlasSite?: string;
  name?: string;
  status?: string;
}

/** A HEPscore23 result: the real sample with app_info.name, score_per_core, _timestamp and tags.site changed. */
export function hs23(spec: Hs23): Doc {
  const doc = realSample();
  const time = new Date(NOW.getTime() - (spec.daysAgo ?? 1) * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
  doc.profiles.hepscore.app_info.name = spec.name ?? "HEPscore23";
  doc.profiles.hepscore.score_per_core = spec.value;
  doc.profiles.hepscore.status = spec.status ?? "success";
  doc._timestamp = time;
  doc._timestamp_end = time;
  const host = spec.host ?? `wn-${Math.round((spec.daysAgo ?? 1) * 1000)}.example.org`;
  doc.host.hostname = host;
  doc._id = `${host}_${time}`;
  doc.host.tags.site = spec.site;
  if (spec.queue) doc.host.tags.queue = spec.queue;
  if (spec.atlasSite) doc.host.tags.atlas_site = spec.atlasSite;
  if (spec.cpu) doc.host.HW.CPU.CPU_Model = spec.cpu;
  return doc;
}

/** Offsets around the center whose median is 0 for 3, 5, 6 and more results. */
const OFFSETS = [0, 1, -1, 0.5, -0.5];

/** `count` results for a site around `center` (within ±jitter, median `center`), one per day, newest first. */
export function series(
  site: string,
  center: number,
  count: number,
  options: Partial<Hs23> & { jitter?: number; startDaysAgo?: number } = {},
): Doc[] {
  const jitter = options.jitter ?? 0.05;
  return Array.from({ length: count }, (_, i) =>
    hs23({
      ...options,
      site,
      value: Math.round((center + OFFSETS[i % OFFSETS.length]! * jitter) * 1000) / 1000,
      daysAgo: (options.startDaysAgo ?? 1) + i,
      host: `${site.toLowerCase()}-wn${String(i % 4).padStart(2, "0")}.example.org`,
    }),
  );
}

export function defaultSettings(overrides: Partial<CorepowerSettings> = {}): CorepowerSettings {
  return { ...readCorepowerSettings({}, CONFIG_SCHEMA).settings, ...overrides };
}

/** Site and queue files in memory, as readers return them. */
export function memoryFiles(files: Record<string, string>): SourceFile[] {
  const encoder = new TextEncoder();
  return Object.entries(files).map(([path, text]) => ({ path, bytes: encoder.encode(text) }));
}

export interface FakeIo extends CliIo {
  out: string[];
  err: string[];
}

export function fakeIo(cwd: string, env: Record<string, string> = {}, now = NOW): FakeIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { NO_COLOR: "1", ...env },
    cwd,
    stdoutIsTty: false,
    stderrIsTty: false,
    now: () => now,
  };
}
