/**
 * The part of the configuration tree the corepower bot needs, read from the raw YAML of site and
 * queue files: resource-centre names, where each corepower value is defined, pins and corecounts.
 * Also the mapping of a feed's site name (WLCG resource centre) to those places.
 */

import { parseYaml } from "../load/parse-yaml.js";
import type { SourceFile } from "../model.js";
import { compareNames } from "../order.js";
import { classifyPath } from "../tree/layout.js";
import type { Pin, Sample, Skip, Target } from "./model.js";
import { PIN_FIELD, readPin } from "./pins.js";

export interface QueueInfo {
  name: string;
  file: string;
  own?: number;
  pin?: Pin;
  corecount?: number;
}

export interface SiteInfo {
  cloud: string;
  name: string;
  file: string;
  /** rc_site and gocname: the names benchmark feeds use. */
  rcNames: string[];
  default?: number;
  defaultPin?: Pin;
  /** The `hardware` list of site.yaml as written (checked by `readHardwareList`), if any. */
  hardware?: unknown;
  queues: QueueInfo[];
}

export interface CorepowerTree {
  sites: SiteInfo[];
  /** Files that could not be read; their values are left alone. */
  notes: string[];
}

const MAX_BYTES = 16 * 1024 * 1024;

/** Builds the tree from the files under sites/ (other files are ignored). */
export function readCorepowerTree(files: readonly SourceFile[]): CorepowerTree {
  const sites = new Map<string, SiteInfo>();
  const queues: { cloud: string; site: string; info: QueueInfo }[] = [];
  const notes: string[] = [];
  const siteOf = (cloud: string, site: string): SiteInfo => {
    const key = `${cloud}/${site}`;
    let info = sites.get(key);
    if (!info) {
      info = { cloud, name: site, file: `sites/${cloud}/${site}/site.yaml`, rcNames: [], queues: [] };
      sites.set(key, info);
    }
    return info;
  };
  for (const file of files) {
    const entry = classifyPath(file.path);
    if (entry.kind !== "site" && entry.kind !== "queue") continue;
    const parsed = parseYaml(file.path, file.bytes, { maxBytes: MAX_BYTES }, file.size);
    const data = parsed.data;
    if (!data || parsed.problems.some((p) => p.severity === "error")) {
      notes.push(
        `${file.path}: cannot be read as YAML, so its corepower is left alone. Run siteops validate and fix it.`,
      );
      continue;
    }
    if (entry.kind === "site") {
      const site = siteOf(entry.cloud, entry.site);
      site.rcNames = [data.rc_site, data.gocname].filter(
        (n): n is string => typeof n === "string" && n !== "",
      );
      const defaults = isObject(data.queue_defaults) ? data.queue_defaults : {};
      if (isNumber(defaults.corepower)) site.default = defaults.corepower;
      const pin = readPin(defaults[PIN_FIELD]);
      if (pin) site.defaultPin = pin;
      if (data.hardware !== undefined) site.hardware = data.hardware;
    } else {
      const info: QueueInfo = { name: entry.queue, file: file.path };
      if (isNumber(data.corepower)) info.own = data.corepower;
      const pin = readPin(data[PIN_FIELD]);
      if (pin) info.pin = pin;
      if (Number.isInteger(data.corecount)) info.corecount = data.corecount as number;
      queues.push({ cloud: entry.cloud, site: entry.site, info });
    }
  }
  for (const q of queues) siteOf(q.cloud, q.site).queues.push(q.info);
  const list = [...sites.values()].sort((a, b) => compareNames(a.file, b.file));
  for (const site of list) site.queues.sort((a, b) => compareNames(a.name, b.name));
  return { sites: list, notes };
}

/** The target of a site's default, if the site sets one. */
export function siteTarget(site: SiteInfo): Target | undefined {
  if (site.default === undefined) return undefined;
  return {
    key: `${site.file}#queue_defaults.corepower`,
    cloud: site.cloud,
    site: site.name,
    file: site.file,
    path: "queue_defaults.corepower",
    before: site.default,
    ...(site.defaultPin ? { pin: site.defaultPin } : {}),
    queues: site.queues
      .filter((q) => q.own === undefined)
      .map((q) => ({ name: q.name, ...(q.corecount !== undefined ? { corecount: q.corecount } : {}) })),
  };
}

/** The target of a queue's own value, if it sets one. */
export function queueTarget(site: SiteInfo, queue: QueueInfo): Target | undefined {
  if (queue.own === undefined) return undefined;
  return {
    key: `${queue.file}#corepower`,
    cloud: site.cloud,
    site: site.name,
    queue: queue.name,
    file: queue.file,
    path: "corepower",
    before: queue.own,
    ...(queue.pin ? { pin: queue.pin } : {}),
    queues: [{ name: queue.name, ...(queue.corecount !== undefined ? { corecount: queue.corecount } : {}) }],
  };
}

/** Every target of a site: its default and its queues' own values. */
export function siteTargets(site: SiteInfo): Target[] {
  const own = site.queues.map((q) => queueTarget(site, q)).filter((t): t is Target => t !== undefined);
  const main = siteTarget(site);
  return main ? [main, ...own] : own;
}

export interface SiteIndex {
  byRc: Map<string, SiteInfo[]>;
  byName: Map<string, SiteInfo>;
}

export function indexSites(tree: CorepowerTree): SiteIndex {
  const byRc = new Map<string, SiteInfo[]>();
  const byName = new Map<string, SiteInfo>();
  for (const site of tree.sites) {
    byName.set(site.name.toLowerCase(), site);
    for (const rc of new Set(site.rcNames.map((n) => n.toLowerCase())))
      byRc.set(rc, [...(byRc.get(rc) ?? []), site]);
  }
  return { byRc, byName };
}

/**
 * The ATLAS site a feed result belongs to: by resource centre (rc_site or gocname), else by ATLAS
 * site name. A resource centre shared by several ATLAS sites needs `atlas_site` or `queue` tags,
 * unless one of the sites carries the resource centre's own name.
 */
export function siteFor(sample: Sample, index: SiteIndex): { site: SiteInfo } | { skip: Skip } {
  const skip = (reason: Skip["reason"], detail: string) => ({
    skip: { reason, source: sample.source, detail },
  });
  const name = sample.site.toLowerCase();
  let candidates = index.byRc.get(name) ?? [];
  if (candidates.length === 0) {
    const byName = index.byName.get(name);
    if (byName) candidates = [byName];
  }
  if (candidates.length === 0) {
    return skip("unknown-site", `site ${sample.site} is no site's rc_site, gocname or name`);
  }
  if (sample.atlasSite) {
    const wanted = sample.atlasSite.toLowerCase();
    candidates = candidates.filter((s) => s.name.toLowerCase() === wanted);
    if (candidates.length === 0) {
      return skip(
        "unknown-site",
        `atlas_site ${sample.atlasSite} is not a site of resource centre ${sample.site}`,
      );
    }
  }
  if (candidates.length > 1 && sample.queue) {
    const queue = sample.queue.toLowerCase();
    candidates = candidates.filter((s) => s.queues.some((q) => q.name.toLowerCase() === queue));
  }
  if (candidates.length > 1) {
    const same = candidates.filter((s) => s.name.toLowerCase() === name);
    if (same.length === 1) candidates = same;
  }
  if (candidates.length !== 1) {
    return skip(
      "ambiguous-site",
      `resource centre ${sample.site} has several ATLAS sites (${candidates.map((s) => s.name).join(", ")}); tag results with atlas_site or queue`,
    );
  }
  return { site: candidates[0]! };
}

/** Where a result counts: the value that defines its queue's (or site's) corepower. */
export function targetsFor(sample: Sample, index: SiteIndex): { targets: Target[] } | { skip: Skip } {
  const found = siteFor(sample, index);
  if ("skip" in found) return found;
  const { site } = found;
  const skip = (reason: Skip["reason"], detail: string) => ({
    skip: { reason, source: sample.source, detail },
  });
  const main = siteTarget(site);
  if (sample.queue) {
    const wanted = sample.queue.toLowerCase();
    const queue = site.queues.find((q) => q.name.toLowerCase() === wanted);
    if (!queue) return skip("unknown-queue", `queue ${sample.queue} is not a queue of site ${site.name}`);
    const own = queueTarget(site, queue);
    if (own) return { targets: [own] };
    return main
      ? { targets: [main] }
      : skip("no-target", `neither queue ${queue.name} nor site ${site.name} sets corepower`);
  }
  if (main) return { targets: [main] };
  const own = siteTargets(site);
  if (own.length === 0) return skip("no-target", `site ${site.name} and its queues set no corepower`);
  return { targets: own };
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
