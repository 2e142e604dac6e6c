// Benchmark trees: clones of the bundled sites/ tree (itself modelled on the CRIC records in
// ../shared/realdata) with new names, every cross-reference kept valid, in a temp git repository.
import { execFileSync } from "node:child_process";
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";

/** Sites and queues of the 1x tree (ATLAS today); an `Nx` tree has N times as many. */
export const SCALE_1X = { sites: 200, queues: 700 };

/** Small, fast, seeded PRNG (mulberry32): the same seed gives the same trees and commit shas. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const dirs = (path) =>
  readdirSync(path, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort(byName);

/** The bundled tree as text plus parsed data (for names, owners and references). */
export function loadTemplates(projectRoot) {
  const root = join(projectRoot, "sites");
  const clouds = [];
  const sites = [];
  for (const cloud of dirs(root)) {
    const text = readFileSync(join(root, cloud, "cloud.yaml"), "utf8");
    clouds.push({ name: cloud, text, owners: parse(text).owners ?? [] });
    for (const site of dirs(join(root, cloud))) {
      const siteText = readFileSync(join(root, cloud, site, "site.yaml"), "utf8");
      const qdir = join(root, cloud, site, "queues");
      const queues = readdirSync(qdir)
        .filter((f) => f.endsWith(".yaml"))
        .sort(byName)
        .map((f) => {
          const qtext = readFileSync(join(qdir, f), "utf8");
          return { name: f.slice(0, -5), text: qtext, data: parse(qtext) };
        });
      sites.push({ cloud, name: site, text: siteText, data: parse(siteText), queues });
    }
  }
  return { clouds, sites, config: readFileSync(join(projectRoot, "siteops.config.yaml"), "utf8") };
}

/**
 * Which sites and queues the tree has: every bundled site once as it is, then clones (`<SITE>-X<n>`,
 * round-robin over the bundled sites, so clouds keep their proportions) up to `sites`; then extra
 * queues (`<QUEUE>-E<n>`, a copy of a real queue of a random site) or removed queues up to `queues`.
 */
export function planTree(templates, sites, queues, rand) {
  const count = templates.sites.length;
  if (sites < count) throw new Error(`a tree needs at least the ${count} bundled sites, not ${sites}`);
  const plan = templates.sites.map((template) => ({ template, suffix: "" }));
  for (let i = 0; plan.length < sites; i++)
    plan.push({ template: templates.sites[i % count], suffix: `-X${i + 1}` });
  for (const site of plan) {
    site.name = site.template.name + site.suffix;
    site.queues = site.template.queues.map((template) => ({ template, extra: "" }));
  }
  let total = plan.reduce((n, s) => n + s.queues.length, 0);
  let extra = 0;
  while (total < queues) {
    const site = pick(rand, plan);
    const real = site.template.queues.filter((q) => q.data.is_virtual !== true);
    if (real.length === 0) continue;
    site.queues.push({ template: pick(rand, real), extra: `-E${++extra}` });
    total++;
  }
  while (total > queues) {
    const site = pick(rand, plan);
    const parents = new Set(site.queues.map((q) => q.template.data.parent));
    const removable = site.queues.filter((q) => !parents.has(q.template.name) && !q.template.data.is_virtual);
    if (site.queues.length < 2 || removable.length === 0) continue;
    site.queues.splice(site.queues.indexOf(pick(rand, removable)), 1);
    total--;
  }
  return plan;
}

const HOST_LINE = /^(\s*(?:- )?ce_endpoint: )([^\s:]+):(\d+)\s*$/;

/**
 * Rewrites one file line by line: the identity keys through `ids`, own DDM endpoints through
 * `endpoints`, CE hosts (and the ce_name holding them) by `hostTag`, and the header comment.
 */
export function rewrite(text, { name, oldName, ids, endpoints, hostTag }) {
  const hosts = new Map();
  return text
    .split("\n")
    .map((line) => {
      let m = /^(name|atlas_site|panda_site|parent|rc_site): (\S+)\s*$/.exec(line);
      if (m) return `${m[1]}: ${m[1] === "name" ? name : (ids.get(m[2]) ?? m[2])}`;
      m = /^(\s+- (?:name: )?)(\S+)\s*$/.exec(line);
      if (m && endpoints.has(m[2])) return m[1] + endpoints.get(m[2]);
      m = hostTag ? HOST_LINE.exec(line) : null;
      if (m) {
        const [first, ...rest] = m[2].split(".");
        const host = [`${first}${hostTag}`, ...rest].join(".");
        hosts.set(m[2], host);
        return `${m[1]}${host}:${m[3]}`;
      }
      m = /^(\s*ce_name: )(.*)$/.exec(line);
      if (m) for (const [from, to] of hosts) if (m[2].includes(from)) return m[1] + m[2].replace(from, to);
      if (line.startsWith("# ") && oldName) return line.replace(` ${oldName} `, ` ${name} `);
      return line;
    })
    .join("\n");
}

/** All files of a planned tree: path -> text, plus the queues with what the commits need. */
export function renderTree(templates, plan) {
  const files = new Map();
  const queues = [];
  for (const cloud of templates.clouds) files.set(`sites/${cloud.name}/cloud.yaml`, cloud.text);
  for (const site of plan) {
    const t = site.template;
    const ids = new Map();
    if (site.suffix) {
      ids.set(t.name, site.name);
      ids.set(t.data.rc_site, t.data.rc_site + site.suffix);
      for (const q of t.queues) {
        ids.set(q.name, q.name + site.suffix);
        ids.set(q.data.panda_site, q.data.panda_site + site.suffix);
      }
    }
    const endpoints = new Map(
      site.suffix ? (t.data.ddmendpoints ?? []).map((d) => [d.name, `${site.name}_${d.token}`]) : [],
    );
    const dir = `sites/${t.cloud}/${site.name}`;
    files.set(`${dir}/site.yaml`, rewrite(t.text, { name: site.name, oldName: t.name, ids, endpoints }));
    for (const q of site.queues) {
      const name = q.template.name + site.suffix + q.extra;
      const hostTag = (site.suffix + q.extra).toLowerCase();
      const text = hostTag
        ? rewrite(q.template.text, { name, oldName: q.template.name, ids, endpoints, hostTag })
        : q.template.text;
      const file = `${dir}/queues/${name}.yaml`;
      files.set(file, text);
      queues.push({ file, name, site, virtual: q.template.data.is_virtual === true, ids, endpoints });
    }
  }
  return { files, queues };
}

/** CODEOWNERS as `siteops codeowners --write` lays it out: cloud owners, then site + cloud owners. */
export function codeowners(templates, plan) {
  const central = "@atlas-siteops/dpa";
  const lines = ["# generated for the benchmark", `* ${central}`, `/siteops.config.yaml ${central}`];
  for (const cloud of templates.clouds) {
    lines.push(`/sites/${cloud.name}/ ${cloud.owners.join(" ")}`);
    for (const site of plan.filter((s) => s.template.cloud === cloud.name)) {
      const owners = [...new Set([...(site.template.data.owners ?? []), ...cloud.owners])];
      lines.push(`/sites/${cloud.name}/${site.name}/ ${owners.join(" ")}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "siteops bench",
  GIT_AUTHOR_EMAIL: "bench@siteops.invalid",
  GIT_COMMITTER_NAME: "siteops bench",
  GIT_COMMITTER_EMAIL: "bench@siteops.invalid",
};

export function git(cwd, args, date) {
  const env = { ...process.env, ...GIT_ENV };
  for (const key of Object.keys(env)) if (key.startsWith("GIT_") && !(key in GIT_ENV)) delete env[key];
  if (date) Object.assign(env, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  const base = ["-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"];
  return execFileSync("git", [...base, ...args], { cwd, env, encoding: "utf8", maxBuffer: 256 << 20 });
}

function commit(dir, message, date) {
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", message], date);
  return git(dir, ["rev-parse", "HEAD"]).trim();
}

function writeAll(dir, files) {
  const made = new Set();
  for (const [path, text] of files) {
    const folder = dirname(join(dir, path));
    if (!made.has(folder)) mkdirSync(folder, { recursive: true });
    made.add(folder);
    writeFileSync(join(dir, path), text);
  }
}

/**
 * Where the repositories go: tmpfs (/dev/shm) when there is one, since creating 9,000 files and
 * their git objects on a busy virtual disk takes a minute or more; else the system temp folder.
 */
export function defaultTmp() {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}

/**
 * A temp git repository: `main` holds the tree (one commit); branch `pr` changes 20 queues, adds 1
 * and removes 1 (a pull request); branch `bulk` sets corepower on 10 % of the queues (the bot).
 * Commits have fixed dates, so a seed always gives the same shas.
 */
export function generateRepo({ templates, sites, queues, seed, label, edits, tmp = tmpdir() }) {
  const rand = prng(seed);
  const plan = planTree(templates, sites, queues, rand);
  const tree = renderTree(templates, plan);
  const dir = mkdtempSync(join(tmp, `siteops-bench-${label}-`));
  try {
    git(dir, ["init", "-q", "-b", "main"]);
    writeAll(dir, tree.files);
    writeAll(
      dir,
      new Map([
        ["siteops.config.yaml", templates.config],
        [".github/CODEOWNERS", codeowners(templates, plan)],
      ]),
    );
    const base = commit(dir, `Configuration of ${sites} sites and ${queues} queues`, "2026-01-05T09:00:00Z");
    const pr = edits.pullRequest(tree, rand);
    git(dir, ["checkout", "-q", "-b", "pr", "main"]);
    writeAll(dir, pr.write);
    for (const file of pr.remove) rmSync(join(dir, file));
    const prHead = commit(dir, pr.message, "2026-01-06T09:00:00Z");
    const bulk = edits.bulk(tree, rand);
    git(dir, ["checkout", "-q", "-b", "bulk", "main"]);
    writeAll(dir, bulk.write);
    const bulkHead = commit(dir, bulk.message, "2026-01-07T09:00:00Z");
    git(dir, ["checkout", "-q", "main"]);
    return {
      dir,
      base,
      prHead,
      bulkHead,
      counts: { sites: plan.length, queues: tree.queues.length, files: tree.files.size },
      pr: pr.expect,
      bulk: bulk.expect,
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
