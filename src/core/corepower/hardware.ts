/**
 * corepower from declared hardware, for sites without measurements: a site's CPU models and their
 * cores (`hardware:` in site.yaml, or a `--hardware FILE` for sites that do not declare it yet)
 * combined with a table of HS23 per core by CPU model (`--scores FILE`). The estimate is the
 * core-weighted mean of the models' scores.
 */
import { parse } from "yaml";
import type { Skip } from "./model.js";
import type { SiteIndex, SiteInfo } from "./tree.js";

export interface HardwareEntry {
  cpuModel: string;
  cores: number;
}

export interface HardwareEstimate {
  site: SiteInfo;
  value: number;
  entries: { cpuModel: string; cores: number; score: number }[];
  /** Where the hardware was declared (`file#SITE`, or `sites/.../site.yaml#hardware`). */
  source: string;
}

/** Parses YAML or JSON text; an error message instead of a throw. */
export function parseDataText(source: string, text: string): { data: unknown } | { error: string } {
  try {
    return { data: parse(text, { maxAliasCount: 0, uniqueKeys: true }) };
  } catch (error) {
    return {
      error: `${source}: is not YAML or JSON (${(error as Error).message.split("\n")[0]}). Fix the file.`,
    };
  }
}

/** Lower case, without (R)/(TM) marks and repeated spaces: "Intel(R) Xeon(R) CPU" = "intel xeon cpu". */
export function normalizeCpuModel(model: string): string {
  return model
    .toLowerCase()
    .replace(/\((r|tm|c)\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The scores table: a mapping `cpu model: HS23 per core`, or a list of `{cpu_model, hs23_per_core}`
 * (or `score_per_core`).
 */
export function readScoresTable(
  source: string,
  data: unknown,
): { scores: Map<string, number> } | { error: string } {
  const scores = new Map<string, number>();
  const bad = (what: string) => ({
    error: `${source}: ${what}. Write \`CPU model: HS23 per core\` lines, or a list of {cpu_model, hs23_per_core}.`,
  });
  const add = (model: unknown, score: unknown, where: string): string | undefined => {
    if (typeof model !== "string" || model.trim() === "") return `${where} has no CPU model`;
    if (typeof score !== "number" || !Number.isFinite(score) || score <= 0) {
      return `${where} (${model}) has no positive score`;
    }
    scores.set(normalizeCpuModel(model), score);
    return undefined;
  };
  if (Array.isArray(data)) {
    for (const [i, row] of data.entries()) {
      const r = (row ?? {}) as Record<string, unknown>;
      const problem = add(r.cpu_model, r.hs23_per_core ?? r.score_per_core, `item ${i + 1}`);
      if (problem) return bad(problem);
    }
  } else if (data !== null && typeof data === "object") {
    for (const [model, score] of Object.entries(data)) {
      const problem = add(model, score, `entry \`${model}\``);
      if (problem) return bad(problem);
    }
  } else {
    return bad("is neither a mapping nor a list");
  }
  return { scores };
}

/** One site's declared hardware, and where it was declared (`file#SITE` or a site.yaml path). */
export interface DeclaredHardware {
  entries: HardwareEntry[];
  problem?: string;
  source: string;
}

/** The declared hardware of a `--hardware` file: a mapping `ATLAS site: [{cpu_model, cores}]`. */
export function readHardware(
  source: string,
  data: unknown,
): { sites: Map<string, DeclaredHardware> } | { error: string } {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return {
      error: `${source}: is not a mapping of site names to lists of {cpu_model, cores}. Fix the file.`,
    };
  }
  const sites = new Map<string, DeclaredHardware>();
  for (const [site, list] of Object.entries(data)) {
    sites.set(site, { ...readHardwareList(list), source: `${source}#${site}` });
  }
  return { sites };
}

/** A list of `{cpu_model, cores}`, as a `--hardware` file or site.yaml's `hardware` declares it. */
export function readHardwareList(list: unknown): { entries: HardwareEntry[]; problem?: string } {
  const entries: HardwareEntry[] = [];
  let problem: string | undefined;
  if (!Array.isArray(list) || list.length === 0) problem = "is not a non-empty list of {cpu_model, cores}";
  for (const [i, item] of (Array.isArray(list) ? list : []).entries()) {
    const r = (item ?? {}) as Record<string, unknown>;
    if (typeof r.cpu_model !== "string" || r.cpu_model.trim() === "")
      problem ??= `item ${i + 1} has no cpu_model`;
    else if (!Number.isInteger(r.cores) || (r.cores as number) <= 0) {
      problem ??= `item ${i + 1} (${r.cpu_model}) has no positive whole number of cores`;
    } else entries.push({ cpuModel: r.cpu_model.trim(), cores: r.cores as number });
  }
  return problem ? { entries, problem } : { entries };
}

/**
 * The hardware the sites declare in site.yaml (`hardware:`), with the `--hardware` file's entries
 * for the sites that do not: site.yaml is reviewed like every other value, the file is a stopgap
 * until a site declares its own. A file entry for a site that declares hardware is not used, and
 * is reported.
 */
export function declaredHardware(
  sites: readonly SiteInfo[],
  file: Map<string, DeclaredHardware> | undefined,
  index: SiteIndex,
): { hardware: Map<string, DeclaredHardware>; skipped: Skip[] } {
  const hardware = new Map<string, DeclaredHardware>();
  const skipped: Skip[] = [];
  for (const site of sites) {
    if (site.hardware !== undefined) {
      hardware.set(site.name, { ...readHardwareList(site.hardware), source: `${site.file}#hardware` });
    }
  }
  for (const [name, declared] of file ?? []) {
    const site = siteNamed(name, index);
    if (site && hardware.has(site.name)) {
      skipped.push({
        reason: "hardware-in-site-file",
        source: declared.source,
        detail: `${site.file} declares the hardware of ${site.name}; remove the entry from the file`,
      });
    } else hardware.set(name, declared);
  }
  return { hardware, skipped };
}

/** The site a hardware entry names: an ATLAS site, or a resource centre with one ATLAS site. */
function siteNamed(name: string, index: SiteIndex): SiteInfo | undefined {
  const rc = index.byRc.get(name.toLowerCase()) ?? [];
  return index.byName.get(name.toLowerCase()) ?? (rc.length === 1 ? rc[0] : undefined);
}

/** Estimates per site, and the entries that could not be used. */
export function estimateFromHardware(
  hardware: Map<string, DeclaredHardware>,
  scores: Map<string, number>,
  index: SiteIndex,
): { estimates: HardwareEstimate[]; skipped: Skip[] } {
  const estimates: HardwareEstimate[] = [];
  const skipped: Skip[] = [];
  for (const [name, declared] of hardware) {
    const where = declared.source;
    const site = siteNamed(name, index);
    if (!site) {
      skipped.push({ reason: "unknown-site", source: where, detail: `${name} is not an ATLAS site` });
      continue;
    }
    if (declared.problem) {
      skipped.push({ reason: "bad-hardware", source: where, detail: `${name} ${declared.problem}` });
      continue;
    }
    const entries: HardwareEstimate["entries"] = [];
    const unknown: string[] = [];
    for (const entry of declared.entries) {
      const score = scores.get(normalizeCpuModel(entry.cpuModel));
      if (score === undefined) unknown.push(entry.cpuModel);
      else entries.push({ ...entry, score });
    }
    if (unknown.length > 0) {
      skipped.push({
        reason: "unknown-cpu-model",
        source: where,
        detail: `no score for ${unknown.join(", ")}; add it to the scores table`,
      });
      continue;
    }
    const cores = entries.reduce((sum, e) => sum + e.cores, 0);
    const value = entries.reduce((sum, e) => sum + e.cores * e.score, 0) / cores;
    estimates.push({ site, value, entries, source: where });
  }
  return { estimates, skipped };
}
