import { applySchemaDefaults } from "../config.js";

/**
 * Settings of the corepower bot (`corepower` in siteops.config.yaml), read defensively against the
 * `corepower` section of schemas/config.schema.json: its defaults, ranges and patterns are the
 * only ones (nothing here repeats them), and a value the schema would refuse is replaced by its
 * default with a warning, so a bad setting never stops the bot.
 */

export interface CorepowerSettings {
  benchmark: string;
  windowDays: number;
  minSamples: number;
  outlierMadK: number;
  decimals: number;
  thresholdPercent: number;
  maxSpreadPercent: number;
  maxDriftPercent: number;
  minScorePerCore: number;
  maxScorePerCore: number;
  clockSkewMinutes: number;
  /** The standing ticket every bot pull request names in its title; absent until configured. */
  ticket?: string;
  labels: string[];
  approvalLabel: string;
  branchPrefix: string;
  baseBranch: string;
  bot: { login: string; gitName: string; gitEmail: string };
}

export interface SettingsResult {
  settings: CorepowerSettings;
  /** Values that were not usable, each replaced by its default: "where: what. how to fix." */
  warnings: string[];
}

/**
 * Reads `corepower` from the raw config: fills defaults from the config schema's `corepower`
 * section and replaces any value outside that section's types, ranges and patterns by its default
 * with a warning.
 */
export function readCorepowerSettings(rawConfig: unknown, configSchema: unknown): SettingsResult {
  const schema = pick(configSchema, "properties.corepower");
  const defaults = applySchemaDefaults({}, schema) as Record<string, unknown>;
  const section = (rawConfig as { corepower?: unknown } | null | undefined)?.corepower;
  const value = applySchemaDefaults(isObject(section) ? section : {}, schema) as Record<string, unknown>;
  const warnings: string[] = [];
  if (section !== undefined && !isObject(section)) warnings.push(problem("corepower", "is not a mapping"));
  const read = <T>(path: string, ok: (v: unknown) => boolean): T => {
    const got = pick(value, path);
    if (ok(got)) return got as T;
    warnings.push(problem(`corepower.${path}`, `has an unusable value ${JSON.stringify(got)}`));
    return pick(defaults, path) as T;
  };
  /** The schema of a setting (`bot.login` is under `properties.bot.properties.login`). */
  const rule = (path: string) =>
    (pick(schema, `properties.${path.split(".").join(".properties.")}`) ?? {}) as Record<string, unknown>;
  const inRange = (path: string, v: unknown) => {
    const r = rule(path);
    if (typeof v !== "number" || !Number.isFinite(v)) return false;
    if (r.type === "integer" && !Number.isInteger(v)) return false;
    return (
      (typeof r.minimum !== "number" || v >= r.minimum) &&
      (typeof r.maximum !== "number" || v <= r.maximum) &&
      (typeof r.exclusiveMinimum !== "number" || v > r.exclusiveMinimum) &&
      (typeof r.exclusiveMaximum !== "number" || v < r.exclusiveMaximum)
    );
  };
  const num = (path: string) => read<number>(path, (v) => inRange(path, v));
  /** Text the schema accepts (length, pattern), that is not blank, and matches `also` if given. */
  const text = (path: string, also?: RegExp) =>
    read<string>(path, (v) => {
      const r = rule(path);
      if (typeof v !== "string" || !/\S/.test(v)) return false;
      if (typeof r.minLength === "number" && v.length < r.minLength) return false;
      if (typeof r.maxLength === "number" && v.length > r.maxLength) return false;
      if (typeof r.pattern === "string" && !new RegExp(r.pattern, "u").test(v)) return false;
      return also === undefined || also.test(v);
    });
  const ticket = pick(value, "ticket");
  if (ticket !== undefined && !(typeof ticket === "string" && ticket.trim() !== "")) {
    warnings.push(
      `siteops.config.yaml: corepower.ticket has an unusable value ${JSON.stringify(ticket)}; pull requests name no ticket. Set it to the standing ticket, e.g. ADCINFR-123.`,
    );
  }
  const settings: CorepowerSettings = {
    benchmark: text("benchmark"),
    windowDays: num("window_days"),
    minSamples: num("min_samples"),
    outlierMadK: num("outlier_mad_k"),
    decimals: num("decimals"),
    thresholdPercent: num("threshold_percent"),
    maxSpreadPercent: num("max_spread_percent"),
    maxDriftPercent: num("max_drift_percent"),
    minScorePerCore: num("min_score_per_core"),
    maxScorePerCore: num("max_score_per_core"),
    clockSkewMinutes: num("clock_skew_minutes"),
    ...(typeof ticket === "string" && ticket.trim() !== "" ? { ticket: ticket.trim() } : {}),
    labels: read("labels", (v) => Array.isArray(v) && v.every((l) => typeof l === "string" && l !== "")),
    approvalLabel: text("approval_label"),
    branchPrefix: text("branch_prefix"),
    baseBranch: text("base_branch"),
    bot: {
      login: text("bot.login"),
      gitName: text("bot.git_name"),
      // git takes any text as an e-mail; one with spaces or angle brackets breaks the author line.
      gitEmail: text("bot.git_email", /^[^\s<>]+@[^\s<>]+$/),
    },
  };
  if (settings.minScorePerCore >= settings.maxScorePerCore) {
    warnings.push(
      problem("corepower.min_score_per_core", "is not below max_score_per_core; using both defaults"),
    );
    settings.minScorePerCore = pick(defaults, "min_score_per_core") as number;
    settings.maxScorePerCore = pick(defaults, "max_score_per_core") as number;
  }
  return { settings, warnings };
}

function problem(where: string, what: string): string {
  return `siteops.config.yaml: ${where} ${what}; using the default. Fix it as described in docs/corepower.md.`;
}

function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) current = isObject(current) ? current[key] : undefined;
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
