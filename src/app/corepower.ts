/**
 * `siteops corepower` use cases: read the tree, the feeds and the declared hardware; plan; and, with
 * `--write`, apply the plan to the working tree. Pull requests are in `corepower-prs.ts`.
 */
import { resolveConfig } from "../core/config.js";
import { applyPlan, botPolicy } from "../core/corepower/apply.js";
import {
  type DeclaredHardware,
  declaredHardware,
  estimateFromHardware,
  type HardwareEstimate,
  parseDataText,
  readHardware,
  readScoresTable,
} from "../core/corepower/hardware.js";
import type { Plan, Skip } from "../core/corepower/model.js";
import { planCorepower } from "../core/corepower/plan.js";
import type { FeedSource, WorktreeWriter } from "../core/corepower/ports.js";
import { type FeedItem, parseRecords, splitFeedText } from "../core/corepower/records.js";
import { type CorepowerSettings, readCorepowerSettings } from "../core/corepower/settings.js";
import { type CorepowerTree, indexSites, readCorepowerTree } from "../core/corepower/tree.js";
import { OperationalError } from "../core/errors.js";
import { parseYaml } from "../core/load/parse-yaml.js";
import type { ConfigSource, SchemaSource } from "../core/ports.js";
import { validateRepository } from "./validate.js";

export interface CorepowerInputs {
  /** `--feed` values: folders, files or URLs. */
  feeds: readonly string[];
  /** `--hardware`: declared hardware of sites whose site.yaml has none; needs `scores`. */
  hardware?: string;
  scores?: string;
}

export interface PlanOptions {
  source: ConfigSource;
  schemas: SchemaSource;
  feedSource: FeedSource;
  inputs: CorepowerInputs;
  now: Date;
  /** Replaces settings read from the config (tests, or a caller with its own). */
  settings?: Partial<CorepowerSettings>;
}

export interface PlannedRun {
  plan: Plan;
  settings: CorepowerSettings;
  /** Unusable settings, replaced by defaults. */
  warnings: string[];
  /** Original texts of the site and queue files, by path. */
  texts: Map<string, string>;
  tree: CorepowerTree;
  policy: ReturnType<typeof botPolicy>;
}

/** Reads everything and plans; writes nothing. */
export async function planRun(options: PlanOptions): Promise<PlannedRun> {
  const { source } = options;
  const [schemas, configFile, sites] = await Promise.all([
    options.schemas.readSchemas(),
    source.readConfig(),
    source.readSites(),
  ]);
  const configData = configFile
    ? parseYaml(configFile.path, configFile.bytes, { maxBytes: 1_048_576 }).data
    : {};
  const config = resolveConfig(configData ?? {}, schemas.config);
  const read = readCorepowerSettings(config.raw, schemas.config);
  const settings = { ...read.settings, ...options.settings };
  const policy = botPolicy(config.raw.policy?.rules ?? [], settings.bot.login);
  const tree = readCorepowerTree(sites.files);
  const texts = new Map<string, string>();
  const decoder = new TextDecoder();
  for (const file of sites.files) texts.set(file.path, decoder.decode(file.bytes));
  const items: FeedItem[] = [];
  for (const feed of options.inputs.feeds) {
    for (const text of await options.feedSource.readFeed(feed))
      items.push(...splitFeedText(text.feed, text.source, text.text));
  }
  const { samples, skipped } = parseRecords(items, {
    benchmark: settings.benchmark,
    minScore: settings.minScorePerCore,
    maxScore: settings.maxScorePerCore,
    nowMs: options.now.getTime(),
    windowDays: settings.windowDays,
    clockSkewMinutes: settings.clockSkewMinutes,
  });
  const hardware = await readEstimates(options, tree);
  const plan = planCorepower({
    tree,
    samples,
    skipped: [...skipped, ...hardware.skipped],
    estimates: hardware.estimates,
    settings,
    limits: policy.limits,
    now: options.now,
  });
  return { plan, settings, warnings: read.warnings, texts, tree, policy };
}

async function readEstimates(
  options: PlanOptions,
  tree: CorepowerTree,
): Promise<{ estimates: HardwareEstimate[]; skipped: Skip[] }> {
  const { hardware, scores } = options.inputs;
  // Hardware declared in site.yaml needs only the scores table; a `--hardware` file adds sites.
  if (scores === undefined) return { estimates: [], skipped: [] };
  const [sc, hw] = await Promise.all([
    options.feedSource.readDataFile(scores, "--scores"),
    hardware === undefined ? undefined : options.feedSource.readDataFile(hardware, "--hardware"),
  ]);
  const scData = parseDataText(sc.source, sc.text);
  if ("error" in scData) throw new OperationalError(scData.error);
  const table = readScoresTable(sc.source, scData.data);
  if ("error" in table) throw new OperationalError(table.error);
  let file: Map<string, DeclaredHardware> | undefined;
  if (hw !== undefined) {
    const hwData = parseDataText(hw.source, hw.text);
    if ("error" in hwData) throw new OperationalError(hwData.error);
    const declared = readHardware(hw.source, hwData.data);
    if ("error" in declared) throw new OperationalError(declared.error);
    file = declared.sites;
  }
  const index = indexSites(tree);
  const merged = declaredHardware(tree.sites, file, index);
  const estimated = estimateFromHardware(merged.hardware, table.scores, index);
  return { estimates: estimated.estimates, skipped: [...merged.skipped, ...estimated.skipped] };
}

/**
 * The plan's edits as new file texts, checked by validating the tree with them: a file whose
 * corepower the validator rejects is left out (with a note), so the bot never proposes an invalid tree.
 */
export async function editAndCheck(
  run: PlannedRun,
  source: ConfigSource,
  schemas: SchemaSource,
): Promise<{ files: Map<string, string>; plan: Plan }> {
  const applied = applyPlan(run.texts, run.plan.proposals, run.plan.removals);
  const notes = [...run.plan.notes, ...applied.failures];
  let files = applied.files;
  if (files.size > 0) {
    const report = await validateRepository({ source, schemas, overlay: files });
    const rejected = new Set(
      report.problems
        .filter((p) => p.severity === "error" && files.has(p.file) && /(^|\.)corepower$/.test(p.path))
        .map((p) => {
          notes.push(`${p.message} (the bot's edit was not applied)`);
          return p.file;
        }),
    );
    files = new Map([...files].filter(([path]) => !rejected.has(path)));
  }
  const kept = (file: string) => files.has(file);
  return {
    files,
    plan: {
      ...run.plan,
      proposals: applied.proposals.filter((p) => kept(p.target.file)),
      removals: applied.removals.filter((r) => kept(r.target.file)),
      notes,
    },
  };
}

/** `--write`: applies the plan to the working tree. */
export async function writeRun(
  run: PlannedRun,
  source: ConfigSource,
  schemas: SchemaSource,
  writer: WorktreeWriter,
): Promise<{ plan: Plan; written: string[] }> {
  const { files, plan } = await editAndCheck(run, source, schemas);
  await writer.writeFiles(files);
  return { plan, written: [...files.keys()].sort() };
}
