/**
 * Title, body and comments of a cloud's corepower pull request: the table of values, the HS06-per-job
 * impact, the provenance, a chart per site and the machine-readable block. Deterministic for the same
 * plan, so a re-run with the same feed leaves the pull request untouched.
 */
import { renderChart } from "./chart.js";
import type { PinRemoval, Proposal, Skip, Target } from "./model.js";
import { countSkips, formatPercent } from "./plan.js";
import { type PrBlock, renderBlock } from "./pr-block.js";
import type { CorepowerSettings } from "./settings.js";
import { roundTo } from "./stats.js";

/** GitHub refuses bodies over 65,536 characters. */
export const BODY_LIMIT = 65_536;
const MAX_IMPACT_ROWS = 60;

export interface BodyInput {
  cloud: string;
  proposals: readonly Proposal[];
  removals: readonly PinRemoval[];
  skipped: readonly Skip[];
  settings: CorepowerSettings;
  /** The bot's largest allowed change per field, for the approval note. */
  limitPercent: number;
  policyRule: string;
  block: PrBlock;
}

export function prTitle(cloud: string, count: number, settings: CorepowerSettings): string {
  const what = `corepower: cloud ${cloud}: ${count} value${count === 1 ? "" : "s"} from ${settings.benchmark} benchmarks`;
  return settings.ticket ? `${settings.ticket} ${what}` : what;
}

export function commitMessage(
  cloud: string,
  input: Pick<BodyInput, "proposals" | "removals" | "settings">,
): string {
  const lines = input.proposals.map(
    (p) => `- ${where(p.target)} ${p.target.path}: ${p.target.before} -> ${p.after}`,
  );
  for (const r of input.removals) lines.push(`- ${where(r.target)} ${r.path}: expired pin removed`);
  const count = input.proposals.length + input.removals.length;
  const subject = `corepower: cloud ${cloud}: ${count} change${count === 1 ? "" : "s"} from ${input.settings.benchmark}`;
  const trailer = input.settings.ticket ? `\n\nTicket: ${input.settings.ticket}` : "";
  return `${subject}\n\n${lines.join("\n")}${trailer}\n`;
}

export function where(target: Target): string {
  return target.queue ? `${target.site} / ${target.queue}` : target.site;
}

export function renderBody(input: BodyInput): string {
  const { cloud, proposals, removals, settings } = input;
  const flagged = proposals.filter((p) => p.needsApproval);
  const head = [
    renderBlock(input.block),
    `## corepower for cloud ${cloud}`,
    "",
    `siteops proposes ${proposals.length} corepower value${proposals.length === 1 ? "" : "s"} for cloud **${cloud}** from ${settings.benchmark} benchmark results (HS23 per core; PanDA reads it as HS06 per core, same scale). Each value is changed where it is defined, so queues that inherit it follow.`,
    "",
  ];
  if (proposals.length > 0) head.push(...valueTable(proposals), "");
  if (flagged.length > 0) {
    head.push(
      `> [!WARNING]\n> ${flagged.length} value${flagged.length === 1 ? " changes" : "s change"} by more than the ±${input.limitPercent} % the bot may change on its own (policy rule \`${input.policyRule}\`): a member of the cloud team must approve this pull request.`,
      "",
    );
  }
  if (removals.length > 0) {
    head.push(
      "### Expired pins removed",
      "",
      "| site / queue | pin | ticket | until |",
      "| --- | --- | --- | --- |",
    );
    for (const r of removals) {
      head.push(
        `| ${where(r.target)} | \`${r.path}\` | ${r.pin.ticket ?? "(none)"} | ${r.pin.until ?? ""} |`,
      );
    }
    head.push("");
  }
  const impact = impactSection(proposals);
  const provenance = provenanceSection(input);
  const charts = chartSection(proposals);
  const footer = [
    "---",
    `<sub>Opened by \`siteops corepower\` (docs/corepower.md). Close this pull request without merging to reject exactly these values: the bot will not propose them again. If you push to this branch, the bot stops updating it and comments here instead.</sub>`,
  ];
  for (const parts of [[impact, provenance, charts], [impact, provenance], [provenance]]) {
    const body = [...head, ...parts.flat(), ...footer].join("\n");
    if (body.length <= BODY_LIMIT) return `${body}\n`;
  }
  const note = "_The body was shortened to GitHub's 65,536-character limit; see the commit for every value._";
  return `${[...head.slice(0, 4), note, ...footer].join("\n")}\n`;
}

function valueTable(proposals: readonly Proposal[]): string[] {
  const rows = [
    "| site / queue | field | old → new | change | samples | window | spread |",
    "| --- | --- | --- | ---: | ---: | --- | ---: |",
  ];
  for (const p of proposals) {
    const s = p.stats;
    const samples =
      p.method === "hardware"
        ? `${p.samples} CPU model${p.samples === 1 ? "" : "s"} (declared)`
        : `${p.samples}${s && s.outliers.length > 0 ? ` (+${s.outliers.length} outlier${s.outliers.length === 1 ? "" : "s"})` : ""}`;
    const window = s ? `${s.first.slice(0, 10)} … ${s.last.slice(0, 10)}` : "—";
    const spread = s ? `±${s.spreadPercent.toFixed(1)} %` : "—";
    const flag = p.needsApproval ? " ⚠️ needs cloud-team approval" : "";
    rows.push(
      `| ${where(p.target)} | \`${p.target.path}\` | ${p.target.before} → **${p.after}** | ${formatPercent(p.changePercent)}${flag} | ${samples} | ${window} | ${spread} |`,
    );
  }
  return rows;
}

function impactSection(proposals: readonly Proposal[]): string[] {
  const rows: string[] = [];
  for (const p of proposals) {
    for (const q of p.target.queues) {
      if (q.corecount === undefined) continue;
      const before = roundTo(q.corecount * p.target.before, 2);
      const after = roundTo(q.corecount * p.after, 2);
      rows.push(`| ${q.name} | ${q.corecount} | ${before} | ${after} | ${formatPercent(p.changePercent)} |`);
    }
  }
  if (rows.length === 0) return [];
  const shown = rows.slice(0, MAX_IMPACT_ROWS);
  const more = rows.length - shown.length;
  return [
    "### HS06 per job",
    "",
    "PanDA accounts each job as corecount × corepower HS06 and scales walltime limits by it in brokerage.",
    "",
    "| queue | cores | HS06 per job before | after | change |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...shown,
    ...(more > 0 ? [`| … and ${more} more queues | | | | |`] : []),
    "",
  ];
}

function provenanceSection(input: BodyInput): string[] {
  const { proposals, settings } = input;
  const feeds = [...new Set(proposals.flatMap((p) => p.feeds))].sort();
  const stats = proposals.flatMap((p) => (p.stats ? [p.stats] : []));
  const lines = ["### Provenance", ""];
  if (feeds.length > 0) lines.push(`- Feeds: ${feeds.map((f) => `\`${f}\``).join(", ")}`);
  if (stats.length > 0) {
    const first = stats.map((s) => s.first).sort()[0];
    const last = stats
      .map((s) => s.last)
      .sort()
      .at(-1);
    const used = stats.reduce((n, s) => n + s.kept.length, 0);
    const outliers = stats.reduce((n, s) => n + s.outliers.length, 0);
    const hosts = stats.reduce((n, s) => n + s.hosts, 0);
    lines.push(
      `- Results: ${used} used from ${hosts} host${hosts === 1 ? "" : "s"}, measured ${first} to ${last}; ${outliers} outlier${outliers === 1 ? "" : "s"} left out.`,
    );
  }
  if (proposals.some((p) => p.method === "hardware")) {
    lines.push(
      "- Declared hardware: core-weighted mean of the CPU models' HS23 per core from the scores table.",
    );
  }
  lines.push(
    `- Rules: ${settings.benchmark} results of the last ${settings.windowDays} days, at least ${settings.minSamples} per value, outliers beyond ${settings.outlierMadK} scaled MADs left out, median rounded to ${settings.decimals} decimals, proposed from a ${settings.thresholdPercent} % change, when the spread is at most ${settings.maxSpreadPercent} % and the drift at most ${settings.maxDriftPercent} %.`,
  );
  const skipped = countSkips(input.skipped);
  if (skipped.length > 0) {
    lines.push(`- Records skipped in this run: ${skipped.map((s) => `${s.reason} ${s.count}`).join(", ")}.`);
  }
  lines.push("");
  return lines;
}

function chartSection(proposals: readonly Proposal[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of proposals) {
    if (!p.stats) continue;
    // Queues of a site without a default share their site's results: one chart per site and value.
    const key = `${p.target.site}|${p.target.before}|${p.after}|${p.stats.kept.length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const chart = renderChart({
      title: `${where(p.target)} corepower`,
      points: p.stats.kept,
      current: p.target.before,
      proposed: p.after,
    });
    if (chart)
      out.push(
        `**${where(p.target)}**: results (bars), current ${p.target.before} and proposed ${p.after} (lines)`,
        "",
        chart,
        "",
      );
  }
  return out.length > 0 ? ["### Measurements", "", ...out] : [];
}

/** The comment left when someone else's commits keep the bot from updating the branch. */
export function renderBlockedComment(
  branch: string,
  proposals: readonly Proposal[],
  removals: readonly PinRemoval[],
  foreign: readonly { sha: string; author: string }[],
): string {
  const commits = foreign.map((c) => `${c.sha.slice(0, 12)} by ${c.author}`).join(", ");
  const lines = [
    `siteops corepower has newer values for this cloud, but did not update \`${branch}\`: it has commits by someone else (${commits}). The bot never overwrites people's commits.`,
    "",
    "To get the values below: merge or close this pull request, or drop the other commits from the branch; the bot updates it on its next run.",
    "",
    "| site / queue | field | current → newest |",
    "| --- | --- | --- |",
    ...proposals.map(
      (p) => `| ${where(p.target)} | \`${p.target.path}\` | ${p.target.before} → ${p.after} |`,
    ),
    ...removals.map((r) => `| ${where(r.target)} | \`${r.path}\` | expired pin: remove |`),
  ];
  return `${lines.join("\n")}\n`;
}
