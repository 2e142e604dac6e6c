// Running commands: wall time of whole processes, exit codes, output, and peak RSS.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PRELOAD = new URL("./usage-preload.mjs", import.meta.url).href;

/** The environment of every timed command: offline (no GitHub variables), no colour, no CI summary. */
export function benchEnv() {
  const env = { ...process.env, NO_COLOR: "1" };
  for (const key of Object.keys(env))
    if (key.startsWith("GITHUB_") || key.startsWith("GIT_")) delete env[key];
  delete env.NODE_OPTIONS;
  return env;
}

/** Runs one process to its end; `ms` is the wall time from spawn to exit. */
export function runOnce(step, { capture = false, env = benchEnv(), prefix = [] } = {}) {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = [...prefix, step.cmd, ...step.args];
    const out = [];
    const err = [];
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: step.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => capture && out.push(chunk));
    child.stderr.on("data", (chunk) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({
        ms,
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

const add = (cpuMs, rssMb, cpu, kb) =>
  cpuMs === undefined ? { cpuMs, rssMb } : { cpuMs: cpuMs + cpu, rssMb: Math.max(rssMb, kb / 1024) };

/**
 * One run of a measured command: its processes one after the other (ajv-cli needs one per schema),
 * each under `usage` (see usageMethod). Returns wall ms, CPU ms (user + sys, children included)
 * and peak RSS in MB (the largest process); CPU and RSS are undefined when they cannot be measured.
 */
export async function runMeasure(measure, { usage = "none", capture = false } = {}) {
  const dir = usage === "none" ? undefined : mkdtempSync(join(tmpdir(), "siteops-bench-usage-"));
  const file = dir && join(dir, "usage");
  let ms = 0;
  let cpuMs = usage === "none" ? undefined : 0;
  let rssMb = usage === "none" ? undefined : 0;
  const results = [];
  try {
    for (const step of measure.steps) {
      let r;
      if (usage === "gnu-time") {
        r = await runOnce(step, { capture, prefix: ["/usr/bin/time", "-f", "%U %S %M", "-o", file] });
        const [user, sys, kb] = readFileSync(file, "utf8").trim().split("\n").pop().split(" ").map(Number);
        ({ cpuMs, rssMb } = add(cpuMs, rssMb, (user + sys) * 1000, kb));
      } else if (usage === "preload" && step.cmd === process.execPath) {
        const env = { ...benchEnv(), SITEOPS_BENCH_USAGE_FILE: file };
        r = await runOnce({ ...step, args: ["--import", PRELOAD, ...step.args] }, { capture, env });
        const { cpuMs: cpu, maxRssKb } = JSON.parse(readFileSync(file, "utf8"));
        ({ cpuMs, rssMb } = add(cpuMs, rssMb, cpu, maxRssKb));
      } else {
        r = await runOnce(step, { capture });
        cpuMs = rssMb = undefined;
      }
      ms += r.ms;
      results.push(r);
      if (r.code !== step.expectCode) {
        throw new Error(
          `\`${measure.label}\`: \`${[step.cmd, ...step.args].join(" ")}\` exited ${r.code}, expected ${step.expectCode}\n${r.stderr.slice(0, 4000)}`,
        );
      }
    }
    return { ms, cpuMs, rssMb, results };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * How CPU time and peak RSS are measured: GNU time (`/usr/bin/time -f "%U %S %M"`, children
 * included) when it works here, else a preload (`node --import usage-preload.mjs`) that writes
 * process.cpuUsage() and resourceUsage().maxRSS at exit (node processes only, children not counted).
 */
export function usageMethod() {
  if (existsSync("/usr/bin/time")) {
    const dir = mkdtempSync(join(tmpdir(), "siteops-bench-usage-"));
    const out = join(dir, "usage");
    const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", out, process.execPath, "-e", "0"]);
    const kb = r.status === 0 ? Number(readFileSync(out, "utf8").trim().split(" ")[2]) : Number.NaN;
    rmSync(dir, { recursive: true, force: true });
    if (kb > 0) return "gnu-time";
  }
  return "preload";
}

/**
 * Times every measure `runs` times, interleaved: round r runs the list starting at measure r, so
 * no command always runs first (cold) or right after a heavy one. Returns the runs per measure label.
 */
export async function timeRounds(measures, runs, usage, onRound) {
  const runsOf = new Map(measures.map((m) => [m.label, []]));
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < measures.length; i++) {
      const m = measures[(r + i) % measures.length];
      runsOf.get(m.label).push(await runMeasure(m, { usage }));
    }
    onRound?.(r + 1);
  }
  return runsOf;
}
