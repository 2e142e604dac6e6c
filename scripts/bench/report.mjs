// The benchmark's output: machine facts, the table of medians and ratios, and the targets.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const gitOut = (args, cwd) => {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
};

/** The machine, and which siteops was measured (commit, and whether the work tree differs from it). */
export function machine(projectRoot) {
  const head = gitOut(["rev-parse", "--short=12", "HEAD"], projectRoot);
  const dirty = gitOut(["status", "--porcelain", "--untracked-files=no"], projectRoot);
  return {
    siteops: head ? `${head}${dirty ? " with uncommitted changes" : ""}` : "unknown",
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    git: gitOut(["--version"])?.replace(/^git version /, "") ?? "unknown",
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

const fmtMs = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtX = (x) => `${x >= 100 ? Math.round(x) : x.toFixed(2)}x`;

/** One row per size and measure: median wall time, spread, ratio to `node -e 0`, CPU time, peak RSS. */
export function tableRows(results) {
  const rows = [];
  for (const size of results) {
    const baseline = size.wall.get("node -e 0");
    const cpuBaseline = size.cpu.get("node -e 0");
    for (const m of size.measures) {
      const wall = size.wall.get(m.label);
      const all = size.runs.get(m.label).map((r) => r.ms);
      const cpu = size.cpu.get(m.label);
      const rss = size.rss.get(m.label);
      rows.push([
        size.label,
        m.label,
        fmtMs(wall),
        `${fmtMs(Math.min(...all))} - ${fmtMs(Math.max(...all))}`,
        fmtX(wall / baseline),
        cpu === undefined ? "n/a" : `${fmtMs(cpu)} (${fmtX(cpu / cpuBaseline)})`,
        rss === undefined ? "n/a" : `${Math.round(rss)} MB`,
      ]);
    }
  }
  return rows;
}

const HEAD = ["size", "command", "median", "min - max", "x node -e 0", "CPU (x node -e 0)", "peak RSS"];

export function textTable(rows) {
  const all = [HEAD, ...rows];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join("  ");
  return [line(HEAD), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function markdownTable(head, rows) {
  const esc = (c) => c.replaceAll("|", "\\|");
  return [
    `| ${head.map(esc).join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

/**
 * The issue's targets on wall time (what they are about), and the same ratios on CPU time (user +
 * sys), which a loaded machine disturbs less; `n/a` when a size was not run.
 */
export function targets(results) {
  const out = [];
  for (const [clock, fmt] of [
    ["wall", fmtMs],
    ["cpu", fmtMs],
  ]) {
    const at = (label, measure) => results.find((r) => r.label === label)?.[clock].get(measure);
    const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
    const check10 = at("10x", "siteops check (PR)");
    const values = [
      ratio(check10, at("10x", "node -e 0")),
      ratio(check10, at("1x", "siteops check (PR)")),
      ratio(at("10x", "siteops validate"), at("10x", "ajv-cli 5 (4 schemas)")),
      at("10x", "siteops diff (bulk)"),
    ];
    values.forEach((value, i) => {
      out[i] ??= { name: TARGETS[i].name, limit: TARGETS[i].limit };
      out[i][clock] = value === undefined ? "n/a" : i === 3 ? fmt(value) : fmtX(value);
      out[i][`${clock}Met`] = value === undefined ? "n/a" : value <= TARGETS[i].limit ? "yes" : "NO";
    });
  }
  const rss = results.find((r) => r.label === "10x")?.rss.get("siteops validate");
  const shown = rss === undefined ? "n/a" : `${rss.toFixed(1)} MB`;
  const met = rss === undefined ? "n/a" : rss <= 200 ? "yes" : "NO";
  out.push({ name: TARGETS[4].name, wall: shown, wallMet: met, cpu: "-", cpuMet: "-" });
  return out;
}

const TARGETS = [
  { name: "check, 10x tree, 20-queue PR: <= 6x `node -e 0`", limit: 6 },
  { name: "check, 10x PR: <= 1.25x check on the 1x tree", limit: 1.25 },
  { name: "validate, full 10x tree: <= 0.5x ajv-cli 5", limit: 0.5 },
  { name: "diff, 10x bulk commit: <= 1 s", limit: 1000 },
  { name: "validate, full 10x tree: peak RSS <= 200 MB" },
];

export const TARGET_HEAD = ["target", "measured (wall)", "met", "on CPU time", "met on CPU"];

export function targetRows(list) {
  return list.map((t) => [t.name, t.wall, t.wallMet, t.cpu, t.cpuMet]);
}

export function markdown({ info, results, targetList, commands, options, usage, generation }) {
  const m = info;
  const trees = results.map(
    (r) =>
      `| ${r.label} | ${r.counts.sites} | ${r.counts.queues} | ${r.counts.files} | ${r.pr.files} files (${r.pr.modified} queues changed, ${r.pr.added} added, ${r.pr.removed} removed) | ${r.bulk.modified} queues (corepower) | ${(generation.get(r.label) / 1000).toFixed(1)} s |`,
  );
  return `# Benchmarks

Generated by \`npm run bench\` (\`node scripts/bench/run.mjs --runs ${options.runs} --sizes ${options.sizes.join(",")} --seed ${options.seed}\`); do not edit by hand.
Times are wall-clock medians of ${options.runs} runs per command, run interleaved over both sizes (round *r* runs every
command of every size, starting at the *r*-th), after one untimed run of each that also checks the output. Each command
is a whole process, as CI runs it.
The load average is given because wall times on a shared machine move with it; the CPU-time columns move less.

## Machine

siteops measured: commit ${m.siteops} (\`dist/\` built from the work tree by \`npm run build\`).

| cpu | cores | memory | OS | node | git | load average at start / end (1, 5, 15 min) |
| --- | --- | --- | --- | --- | --- | --- |
| ${m.cpu} | ${m.cores} | ${m.memory} | ${m.os} | ${m.node} | ${m.git} | ${m.load} / ${m.loadEnd} |

## Targets

${markdownTable(TARGET_HEAD, targetRows(targetList))}

## Results

${markdownTable(HEAD, tableRows(results))}

CPU time (user + sys, median) and peak RSS (largest of all runs) come from the same timed runs, through
${usage === "gnu-time" ? '`/usr/bin/time -f "%U %S %M"` (children such as `git cat-file` included)' : "`node --import scripts/bench/usage-preload.mjs` (process.cpuUsage() and resourceUsage().maxRSS at exit; node processes only, children not counted)"}; for ajv-cli the CPU time of its four processes is summed and the RSS is the largest.

## Trees

Clones of the bundled \`sites/\` tree (modelled on the CRIC records in \`../shared/realdata\`): every bundled site once, then
copies \`<SITE>-X<n>\` round-robin (queues \`<QUEUE>-X<n>\`, DDM endpoints \`<SITE>-X<n>_<TOKEN>\`, panda sites, parents and
rc_site renamed with them, CE hosts \`<host>-x<n>.<domain>\`, 1-13 CEs per queue as in the bundled tree), then extra copies
\`<QUEUE>-E<n>\` of real queues at random sites up to the queue count. Seeded (\`--seed\`) and committed with fixed dates, so the
same seed gives the same commit shas. \`main\` holds the tree, the configuration and a CODEOWNERS file; branch \`pr\` is one commit
off \`main\` (edits to maxrss, maxtime, corepower and description, one queue copied, one removed, ticket in the message);
branch \`bulk\` is one commit off \`main\` setting corepower (HEPscore23 per core, around the realdata sample's score) on 10 %
of the queues. Before timing, \`siteops validate\` must report \`valid: true\` with no problems and the expected counts, and
\`check\`/\`diff\` must report the expected changes.

| size | sites | queues | files | PR | bulk | generation |
| --- | --- | --- | --- | --- | --- | --- |
${trees.join("\n")}

## Commands

Run in the generated repository (\`<repo>\`, under \`${options.tmp}\`${options.tmp === "/dev/shm" ? ", a tmpfs: on this machine's virtual disk, creating the 10x tree's files and git objects alone takes a minute or more" : ""}; working tree at \`main\`), with no \`GITHUB_*\` variables (offline) and \`NO_COLOR=1\`; \`bin/siteops.js\` is this repository's, built by \`npm run build\`; \`ajv\` is \`node_modules/.bin/ajv\` (ajv-cli 5):

${commands.map((c) => `- ${c.label}: ${c.steps.map((s) => `\`${s}\``).join(" then ")}${c.note ? ` (${c.note})` : ""}`).join("\n")}
${missedNotes(targetList)}`;
}

/**
 * Where the time goes and what stands in the way, kept by hand in docs/benchmark-notes.md (profiles
 * are not something a script can explain); shown whenever a target is missed.
 */
function missedNotes(targetList) {
  const missed = targetList.filter((t) => t.wallMet === "NO");
  if (missed.length === 0) return "";
  const file = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "benchmark-notes.md");
  const notes = existsSync(file) ? readFileSync(file, "utf8").trim() : "(docs/benchmark-notes.md is missing)";
  return `\n## Missed in this run: ${missed.map((t) => t.name).join("; ")}\n\n${notes}\n`;
}
