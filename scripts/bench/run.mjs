#!/usr/bin/env node
// `npm run bench`: siteops at 1x and 10x ATLAS scale against `node -e 0`, `git diff` and ajv-cli 5.
// Usage: node scripts/bench/run.mjs [--sizes 1x,10x] [--runs 5] [--out BENCHMARKS.md] [--seed N] [--smoke]
//        [--keep] [--tmp DIR]   (repositories go to DIR, default /dev/shm when writable, else the temp folder)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { commitEdits } from "./commits.mjs";
import { defaultTmp, generateRepo, loadTemplates, SCALE_1X } from "./generate.mjs";
import { median, runMeasure, runOnce, timeRounds, usageMethod } from "./measure.mjs";
import { machine, markdown, tableRows, targetRows, targets, textTable } from "./report.mjs";

const PROJECT = resolve(import.meta.dirname, "..", "..");
const BIN = join(PROJECT, "bin", "siteops.js");
const NODE = process.execPath;
const started = Date.now();
const log = (message) =>
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "1x,10x" },
      runs: { type: "string", default: "5" },
      out: { type: "string", default: "BENCHMARKS.md" },
      seed: { type: "string", default: "20260105" },
      smoke: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      tmp: { type: "string", default: defaultTmp() },
    },
  });
  const sizes = values.smoke ? ["1x"] : values.sizes.split(",").map((s) => s.trim());
  for (const s of sizes)
    if (!/^\d+(\.\d+)?x$/.test(s)) throw new Error(`--sizes: \`${s}\` is not like 1x or 10x`);
  const runs = values.smoke ? 1 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, not ${values.runs}`);
  return { ...values, sizes, runs, seed: Number(values.seed) };
}

/** The ajv-cli 5 binary; the comparison needs it (devDependency `ajv-cli@5`). */
function ajvBin() {
  const require = createRequire(import.meta.url);
  try {
    const pkg = require("ajv-cli/package.json");
    if (!pkg.version.startsWith("5.")) throw new Error(`ajv-cli ${pkg.version} is installed, not 5.x`);
    return require.resolve("ajv-cli/dist/index.js");
  } catch (error) {
    throw new Error(`ajv-cli 5 is needed for the comparison: npm i -D ajv-cli@5 (${error.message})`);
  }
}

/**
 * The project's schemas for ajv-cli, each with an `$id` equal to its file name: the site schema
 * $refs `queue.schema.json#/...`, which ajv resolves only against a schema registered by that id.
 */
function ajvSchemas(dir) {
  mkdirSync(dir, { recursive: true });
  for (const kind of ["queue", "site", "cloud", "config"]) {
    const schema = JSON.parse(readFileSync(join(PROJECT, "schemas", `${kind}.schema.json`), "utf8"));
    writeFileSync(
      join(dir, `${kind}.schema.json`),
      JSON.stringify({ $id: `${kind}.schema.json`, ...schema }),
    );
  }
  return dir;
}

/** What is timed, per tree; `expectCode` of check is set by `verify` from the verdict. */
function measuresFor(repo, schemaDir, ajv) {
  const at = (args, expectCode = 0, cmd = NODE) => ({ cmd, args, cwd: repo.dir, expectCode });
  const siteops = (...args) => at([BIN, ...args]);
  const schema = (kind) => join(schemaDir, `${kind}.schema.json`);
  const ajvArgs = (kind, data, refs = []) => [
    ajv,
    "validate",
    "--spec=draft2020",
    "--strict=false",
    "--all-errors",
    "-c",
    "ajv-formats",
    "-s",
    schema(kind),
    ...refs.flatMap((r) => ["-r", schema(r)]),
    "-d",
    data,
  ];
  return [
    { label: "node -e 0", steps: [at(["-e", "0"])] },
    {
      label: "git diff --name-only (PR)",
      steps: [at(["diff", "--name-only", repo.base, repo.prHead], 0, "git")],
    },
    {
      label: "siteops check (PR)",
      steps: [siteops("check", "--base", repo.base, "--head", repo.prHead, "--format", "json")],
    },
    { label: "siteops validate", steps: [siteops("validate", "--format", "json")] },
    {
      label: "siteops diff (PR)",
      steps: [siteops("diff", "--base", repo.base, "--head", repo.prHead, "--format", "json")],
    },
    {
      label: "siteops diff (bulk)",
      steps: [siteops("diff", "--base", repo.base, "--head", repo.bulkHead, "--format", "json")],
    },
    {
      label: "ajv-cli 5 (4 schemas)",
      steps: [
        at(ajvArgs("queue", "sites/*/*/queues/*.yaml")),
        at(ajvArgs("site", "sites/*/*/site.yaml", ["queue"])),
        at(ajvArgs("cloud", "sites/*/cloud.yaml")),
        at(ajvArgs("config", "siteops.config.yaml")),
      ],
    },
  ];
}

function fail(what, detail) {
  throw new Error(
    `${what}\n${typeof detail === "string" ? detail : JSON.stringify(detail, null, 2).slice(0, 4000)}`,
  );
}

async function json(measure, codes = [0]) {
  const step = measure.steps[0];
  const r = await runOnce(step, { capture: true });
  if (!codes.includes(r.code))
    fail(`\`${measure.label}\` exited ${r.code} (expected ${codes.join(" or ")})`, r.stderr);
  try {
    return { code: r.code, out: JSON.parse(r.stdout) };
  } catch {
    return fail(`\`${measure.label}\` did not print JSON`, r.stdout.slice(0, 2000) + r.stderr.slice(0, 2000));
  }
}

function expectChanges(label, report, expect) {
  const changes = report.changes ?? [];
  const count = (action) => changes.filter((c) => c.kind === "queue" && c.action === action).length;
  const got = {
    modified: count("modified"),
    added: count("added"),
    removed: count("removed"),
    all: changes.length,
  };
  const want = { modified: expect.modified, added: expect.added, removed: expect.removed };
  want.all = want.modified + want.added + want.removed;
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${label}: unexpected changes`, { got, want });
}

/** Untimed first run of everything (also the warm-up): the trees must be valid, the outputs right. */
async function verify(repo, measures, size) {
  const by = (label) => measures.find((m) => m.label === label);
  const v = (await json(by("siteops validate"))).out;
  const counts = { sites: v.counts?.sites, queues: v.counts?.queues };
  if (v.valid !== true || v.problems.length > 0)
    fail(
      `${size}: the generated tree does not validate (${v.problems.length} problems)`,
      v.problems.slice(0, 10),
    );
  if (counts.sites !== repo.counts.sites || counts.queues !== repo.counts.queues)
    fail(`${size}: siteops counted other objects than were generated`, { counts, generated: repo.counts });
  const checkMeasure = by("siteops check (PR)");
  const check = await json(checkMeasure, [0, 1]);
  const status = Object.fromEntries(check.out.checks.map((c) => [c.name, c.status]));
  if (status.validation !== "pass" || status.ticket !== "pass")
    fail(`${size}: check of the PR`, check.out.checks);
  if (check.code !== (check.out.verdict === "pass" ? 0 : 1))
    fail(`${size}: check exit code`, check.out.verdict);
  checkMeasure.steps[0].expectCode = check.code;
  expectChanges(`${size} check (PR)`, check.out.changes, repo.pr);
  expectChanges(`${size} diff (PR)`, (await json(by("siteops diff (PR)"))).out, repo.pr);
  expectChanges(`${size} diff (bulk)`, (await json(by("siteops diff (bulk)"))).out, repo.bulk);
  const bulkCheck = {
    label: "siteops check (bulk)",
    steps: [{ ...checkMeasure.steps[0], args: [...checkMeasure.steps[0].args] }],
  };
  bulkCheck.steps[0].args[bulkCheck.steps[0].args.indexOf(repo.prHead)] = repo.bulkHead;
  const bulk = await json(bulkCheck, [0, 1]);
  if (bulk.out.checks.find((c) => c.name === "validation")?.status !== "pass")
    fail(`${size}: the bulk commit does not validate`, bulk.out.checks);
  const names = await runMeasure(by("git diff --name-only (PR)"), { capture: true });
  const files = names.results[0].stdout.trim().split("\n").length;
  if (files !== repo.pr.files) fail(`${size}: git diff lists ${files} files, expected ${repo.pr.files}`, "");
  for (const label of ["node -e 0", "ajv-cli 5 (4 schemas)"]) await runMeasure(by(label));
  const failed = check.out.checks.filter((c) => c.status === "fail").map((c) => `${c.name}: ${c.message}`);
  return { checkVerdict: check.out.verdict, checks: status, failed };
}

async function main() {
  const opts = options();
  const ajv = ajvBin();
  const work = mkdtempSync(join(opts.tmp, "siteops-bench-"));
  const schemaDir = ajvSchemas(join(work, "schemas"));
  const templates = loadTemplates(PROJECT);
  const edits = commitEdits(PROJECT);
  const usage = usageMethod();
  const info = machine(PROJECT);
  const results = [];
  const generation = new Map();
  const repos = [];
  const verdicts = new Map();
  try {
    const prepared = [];
    for (const label of opts.sizes) {
      const factor = Number(label.slice(0, -1));
      const t0 = Date.now();
      const repo = generateRepo({
        templates,
        sites: Math.round(SCALE_1X.sites * factor),
        queues: Math.round(SCALE_1X.queues * factor),
        seed: opts.seed,
        label,
        edits,
        tmp: opts.tmp,
      });
      repos.push(repo);
      generation.set(label, Date.now() - t0);
      log(
        `${label}: generated ${repo.counts.sites} sites, ${repo.counts.queues} queues in ${repo.dir} (${generation.get(label)} ms)`,
      );
      const measures = measuresFor(repo, schemaDir, ajv);
      const verdict = await verify(repo, measures, label);
      verdicts.set(label, verdict);
      log(`${label}: tree valid; check verdict ${verdict.checkVerdict} (${JSON.stringify(verdict.checks)})`);
      prepared.push({ label, repo, measures });
    }
    // One set of rounds over the commands of every size: the targets compare sizes (check 10x
    // against check 1x), so a change in the machine's load must not fall between the two.
    const sized = prepared.flatMap(({ label, measures }) =>
      measures.map((m) => ({ ...m, label: `${label} ${m.label}`, size: label, name: m.label })),
    );
    const allRuns = await timeRounds(sized, opts.runs, usage, (r) => log(`round ${r}/${opts.runs}`));
    for (const { label, repo, measures } of prepared) {
      const runs = new Map(measures.map((m) => [m.label, allRuns.get(`${label} ${m.label}`)]));
      const over = (f) => new Map([...runs].map(([k, v]) => [k, f(v)]));
      const known = (v, key) => (v.some((r) => r[key] === undefined) ? undefined : v.map((r) => r[key]));
      results.push({
        label,
        measures,
        runs,
        wall: over((v) => median(v.map((r) => r.ms))),
        cpu: over((v) => known(v, "cpuMs") && median(known(v, "cpuMs"))),
        rss: over((v) => known(v, "rssMb") && Math.max(...known(v, "rssMb"))),
        counts: repo.counts,
        pr: repo.pr,
        bulk: repo.bulk,
      });
    }
    const targetList = targets(results);
    const lines = targetRows(targetList).map(
      (r) =>
        `  ${r[2].padEnd(3)}  ${r[0]}: ${r[1]}${r[3] === "-" ? "" : ` (CPU time: ${r[3]}, met: ${r[4]})`}`,
    );
    process.stdout.write(
      `${textTable(tableRows(results))}\n\nTargets (wall time; CPU time in brackets)\n${lines.join("\n")}\n`,
    );
    if (!opts.smoke) {
      const commands = commandList(results[0].measures, repos[0], verdicts.get(results[0].label));
      info.loadEnd = machine(PROJECT).load;
      const text = markdown({ info, results, targetList, commands, options: opts, usage, generation });
      const out = resolve(process.cwd(), opts.out);
      writeFileSync(out, text);
      log(`wrote ${relative(process.cwd(), out) || out}`);
    }
  } finally {
    if (opts.keep) log(`kept: ${repos.map((r) => r.dir).join(" ")} (schemas for ajv-cli: ${schemaDir})`);
    else {
      for (const r of repos) rmSync(r.dir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  }
}

/** The commands as a reader would type them in the repository. */
function commandList(measures, repo, verdict) {
  const names = new Map([
    [repo.base, "<base>"],
    [repo.prHead, "<pr-head>"],
    [repo.bulkHead, "<bulk-head>"],
    [BIN, "bin/siteops.js"],
    [NODE, "node"],
  ]);
  const show = (arg) => {
    if (names.has(arg)) return names.get(arg);
    if (arg.endsWith("ajv-cli/dist/index.js")) return "ajv";
    if (arg.endsWith(".schema.json")) return `<schemas>/${arg.split("/").pop()}`;
    return arg.includes("*") ? `"${arg}"` : arg;
  };
  return measures.map((m) => ({
    label: m.label,
    steps: m.steps.map((s) =>
      [s.cmd, ...s.args]
        .map(show)
        .join(" ")
        .replace(/^node ajv /, "ajv "),
    ),
    note: m.label.startsWith("ajv")
      ? "`<schemas>` = copies of schemas/*.schema.json with `$id` set to the file name, so `-r` can resolve the site schema's `queue.schema.json#/...` refs; ajv-cli validates YAML data files itself (js-yaml); the time is the sum of the four processes"
      : m.label.startsWith("siteops check")
        ? `exit ${m.steps[0].expectCode}, verdict ${verdict.checkVerdict}${verdict.failed.length ? ` (${verdict.failed.join("; ")})` : ""}; ownership and policy are skipped offline`
        : undefined,
  }));
}

main().catch((error) => {
  process.stderr.write(`bench: FAILED: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
