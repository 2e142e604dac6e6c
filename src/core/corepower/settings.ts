import { applySchemaDefaults } from "../config.js";

/**
 * Settings of the corepower bot (`corepower` in siteops.config.yaml).
 *
 * Until `corepower` is part of schemas/config.schema.json, this file carries the proposed schema
 * fragment and reads the raw config defensively against it: the defaults are written once, in the
 * fragment, exactly as they will be in the config schema. To switch over: add COREPOWER_SCHEMA under
 * `properties.corepower` of the config schema, regenerate the types, and keep this reader (it
 * already takes the raw, defaulted config).
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

const number = (
  title: string,
  description: string,
  fallback: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({ type: "number", title, description, ...extra, default: fallback });

/** The JSON Schema proposed for `properties.corepower` of schemas/config.schema.json. */
export const COREPOWER_SCHEMA = {
  type: "object",
  title: "corepower bot",
  description:
    "How `siteops corepower` turns HEP Benchmark Suite results into corepower pull requests: which records count, the statistics, and the pull requests it opens (docs/corepower.md).",
  additionalProperties: false,
  properties: {
    benchmark: {
      type: "string",
      title: "Benchmark",
      description:
        "`profiles.hepscore.app_info.name` a result must have; others (e.g. HEPscore19) are skipped.",
      minLength: 1,
      default: "HEPscore23",
    },
    window_days: {
      type: "integer",
      title: "Window",
      description: "Only results of the last this many days count.",
      minimum: 1,
      maximum: 3650,
      "x-unit": "d",
      default: 90,
    },
    min_samples: {
      type: "integer",
      title: "Minimum samples",
      description: "Results (after outlier rejection) needed before a value is proposed.",
      minimum: 1,
      maximum: 10000,
      default: 5,
    },
    outlier_mad_k: number(
      "Outlier cut",
      "A result further from the median than this many scaled MADs (1.4826 x median absolute deviation, at least 0.5 % of the median) is an outlier.",
      3.5,
      { exclusiveMinimum: 0, maximum: 100, "x-unit": "MAD" },
    ),
    decimals: {
      type: "integer",
      title: "Decimals",
      description: "Proposed values are rounded half away from zero to this many decimals.",
      minimum: 0,
      maximum: 4,
      default: 2,
    },
    threshold_percent: number(
      "Change threshold",
      "A value is proposed only when it differs from the current one by at least this much.",
      5,
      { minimum: 0, maximum: 100, "x-unit": "%" },
    ),
    max_spread_percent: number(
      "Largest spread",
      "Stability: the robust spread of the results (1.4826 x MAD over the median) must not exceed this.",
      5,
      { minimum: 0, maximum: 100, "x-unit": "%" },
    ),
    max_drift_percent: number(
      "Largest drift",
      "Stability: the medians of the older and the newer half of the window must not differ by more than this (hardware being replaced).",
      3,
      { minimum: 0, maximum: 100, "x-unit": "%" },
    ),
    min_score_per_core: number("Smallest plausible score", "Results below this are absurd and skipped.", 1, {
      exclusiveMinimum: 0,
      "x-unit": "HS23/core",
    }),
    max_score_per_core: number(
      "Largest plausible score",
      "Results above this are absurd and skipped (the queue schema allows at most 100).",
      100,
      { exclusiveMinimum: 0, maximum: 100, "x-unit": "HS23/core" },
    ),
    clock_skew_minutes: {
      type: "integer",
      title: "Clock skew",
      description: "Results stamped later than now plus this are skipped as future timestamps.",
      minimum: 0,
      maximum: 1440,
      "x-unit": "min",
      default: 60,
    },
    ticket: {
      type: "string",
      title: "Standing ticket",
      description:
        "Ticket every corepower pull request names in its title and commit trailer, e.g. `ADCINFR-123`; the pull-request gate requires one.",
      minLength: 1,
    },
    labels: {
      type: "array",
      title: "Labels",
      description: "Labels of every corepower pull request.",
      items: { type: "string", minLength: 1, maxLength: 50 },
      uniqueItems: true,
      default: ["corepower", "bot"],
    },
    approval_label: {
      type: "string",
      title: "Approval label",
      description:
        "Label added when a value changes by more than the `corepower-bot` policy limit, so the cloud team must approve.",
      minLength: 1,
      maxLength: 50,
      default: "needs-cloud-approval",
    },
    branch_prefix: {
      type: "string",
      title: "Branch prefix",
      description: "Branch of each cloud's pull request: this prefix plus the cloud name.",
      pattern: "^[A-Za-z0-9][A-Za-z0-9._/-]*/$",
      default: "siteops/corepower/",
    },
    base_branch: {
      type: "string",
      title: "Base branch",
      description: "Branch the pull requests target and the values are read from.",
      pattern: "^[A-Za-z0-9][A-Za-z0-9._/-]*$",
      default: "main",
    },
    bot: {
      type: "object",
      title: "Bot identity",
      description:
        "Who the bot is on GitHub (the policy rule `corepower-bot` names this login) and in git; commits by anyone else on a bot branch stop the bot from pushing to it.",
      additionalProperties: false,
      properties: {
        login: {
          type: "string",
          title: "Login",
          description:
            "The bot's GitHub login (a GitHub App's `<slug>[bot]`); pull requests it opens are authored by it.",
          minLength: 1,
          default: "siteops-corepower[bot]",
        },
        git_name: {
          type: "string",
          title: "Git author name",
          description: "Author and committer name of the bot's commits.",
          minLength: 1,
          default: "siteops-corepower[bot]",
        },
        git_email: {
          type: "string",
          title: "Git author e-mail",
          description:
            "Author and committer e-mail of the bot's commits; a commit on a bot branch with another author e-mail is someone else's.",
          minLength: 3,
          default: "siteops-corepower[bot]@users.noreply.github.com",
        },
      },
    },
  },
} as const;

export interface SettingsResult {
  settings: CorepowerSettings;
  /** Values that were not usable, each replaced by its default: "where: what. how to fix." */
  warnings: string[];
}

/**
 * Reads `corepower` from the raw config: fills defaults from the schema fragment and replaces any
 * value of the wrong shape by its default with a warning.
 */
export function readCorepowerSettings(rawConfig: unknown): SettingsResult {
  const schema = COREPOWER_SCHEMA;
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
  const num = (path: string, min: number, max: number) =>
    read<number>(path, (v) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max);
  const int = (path: string, min: number, max: number) =>
    read<number>(path, (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max);
  const text = (path: string, pattern = /\S/) =>
    read<string>(path, (v) => typeof v === "string" && pattern.test(v));
  const ticket = pick(value, "ticket");
  if (ticket !== undefined && !(typeof ticket === "string" && ticket.trim() !== "")) {
    warnings.push(
      `siteops.config.yaml: corepower.ticket has an unusable value ${JSON.stringify(ticket)}; pull requests name no ticket. Set it to the standing ticket, e.g. ADCINFR-123.`,
    );
  }
  const settings: CorepowerSettings = {
    benchmark: text("benchmark"),
    windowDays: int("window_days", 1, 3650),
    minSamples: int("min_samples", 1, 10000),
    outlierMadK: num("outlier_mad_k", Number.MIN_VALUE, 100),
    decimals: int("decimals", 0, 4),
    thresholdPercent: num("threshold_percent", 0, 100),
    maxSpreadPercent: num("max_spread_percent", 0, 100),
    maxDriftPercent: num("max_drift_percent", 0, 100),
    minScorePerCore: num("min_score_per_core", Number.MIN_VALUE, 100),
    maxScorePerCore: num("max_score_per_core", Number.MIN_VALUE, 100),
    clockSkewMinutes: int("clock_skew_minutes", 0, 1440),
    ...(typeof ticket === "string" && ticket.trim() !== "" ? { ticket: ticket.trim() } : {}),
    labels: read("labels", (v) => Array.isArray(v) && v.every((l) => typeof l === "string" && l !== "")),
    approvalLabel: text("approval_label"),
    branchPrefix: text("branch_prefix", /^[A-Za-z0-9][A-Za-z0-9._/-]*\/$/),
    baseBranch: text("base_branch", /^[A-Za-z0-9][A-Za-z0-9._/-]*$/),
    bot: {
      login: text("bot.login"),
      gitName: text("bot.git_name"),
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
