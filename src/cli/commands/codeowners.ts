import { lstat, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { FsConfigSource } from "../../adapters/fs-source.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import {
  type CheckResult,
  checkCodeowners,
  type PathOwners,
  type RepoFiles,
  whoOwns,
  writeCodeowners,
} from "../../app/codeowners.js";
import { CODEOWNERS_FILE, type OwnerLookup } from "../../core/codeowners/index.js";
import { OperationalError, UsageError } from "../../core/errors.js";
import type { Problem } from "../../core/model.js";
import type { TextStyle } from "../../core/render/problems.js";
import { oneOf, parseCommandArgs } from "../args.js";
import { type CliIo, styleFor } from "../io.js";

export const CODEOWNERS_USAGE =
  "siteops codeowners (--write | --check [--ask-github] [--format text|json|github] | --who PATH... [--format text|json]) [--root DIR]";

/** `siteops codeowners`: writes, checks or queries `.github/CODEOWNERS`. Exit 0 ok, 1 findings, 2 usage. */
export async function codeownersCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      write: { type: "boolean" },
      check: { type: "boolean" },
      who: { type: "boolean" },
      root: { type: "string" },
      format: { type: "string" },
      "ask-github": { type: "boolean" },
    },
    true,
  );
  const modes = (["write", "check", "who"] as const).filter((m) => values[m]);
  if (modes.length !== 1) {
    throw new UsageError(
      `codeowners needs exactly one of --write, --check or --who. Usage: ${CODEOWNERS_USAGE}`,
    );
  }
  const mode = modes[0]!;
  if (values["ask-github"] && mode !== "check") throw new UsageError("--ask-github works only with --check.");
  if (mode !== "who" && positionals.length > 0)
    throw new UsageError(`unexpected argument \`${positionals[0]}\`; only --who takes paths.`);
  if (mode === "who" && positionals.length === 0)
    throw new UsageError(
      "--who needs at least one path, e.g. `siteops codeowners --who sites/US/AGLT2/site.yaml`.",
    );
  const root = resolve(io.cwd, values.root ?? ".");
  const files = fsRepoFiles(root);
  const style = styleFor(io, io.stdoutIsTty);
  if (mode === "who") {
    const format = oneOf("format", values.format, ["text", "json"], "text");
    const owners = await whoOwns({ files, paths: positionals });
    io.stdout(
      format === "json"
        ? `${JSON.stringify({ file: CODEOWNERS_FILE, paths: owners }, null, 2)}\n`
        : whoText(owners),
    );
    return 0;
  }
  const options = { source: new FsConfigSource(root), schemas: new FsSchemaSource(), files };
  if (mode === "write") {
    const format = oneOf("format", values.format, ["text", "json"], "text");
    const result = await writeCodeowners(options);
    const refused = result.problems.some((p) => p.severity === "error");
    const summary = refused
      ? `${CODEOWNERS_FILE}: not written, because the owners above are incomplete. Fix them, then run \`npx siteops codeowners --write\` again.`
      : result.written
        ? `${CODEOWNERS_FILE}: written for ${result.map.clouds.length} clouds and ${result.map.clouds.reduce((n, c) => n + c.sites.length, 0)} sites. Commit it.`
        : `${CODEOWNERS_FILE}: already up to date.`;
    if (format === "json") {
      const json = { written: result.written, refused, problems: result.problems.map(problemJson) };
      io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    } else io.stdout(`${[...result.problems.map((p) => problemText(p, style)), summary].join("\n")}\n`);
    return refused ? 1 : 0;
  }
  const format = oneOf("format", values.format, ["text", "json", "github"], "text");
  const host = values["ask-github"] ? await ownerLookupFromEnv(io) : undefined;
  const result = await checkCodeowners({ ...options, ...(host ? { host } : {}) });
  if (format === "json") io.stdout(checkJson(result));
  else if (format === "github") io.stdout(checkGithub(result));
  else io.stdout(checkText(result, style));
  return result.valid ? 0 : 1;
}

/** With --ask-github: GitHub, through GITHUB_TOKEN and GITHUB_REPOSITORY (as `siteops check`). */
async function ownerLookupFromEnv(io: CliIo): Promise<OwnerLookup> {
  const [owner, repo] = (io.env.GITHUB_REPOSITORY ?? "").split("/");
  if (!io.env.GITHUB_TOKEN || !owner || !repo)
    throw new UsageError(
      "--ask-github needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/repo) in the environment.",
    );
  const { OctokitCodeHost } = await import("../../adapters/github.js");
  return new OctokitCodeHost({
    token: io.env.GITHUB_TOKEN,
    owner,
    repo,
    ...(io.env.GITHUB_API_URL ? { baseUrl: io.env.GITHUB_API_URL } : {}),
  });
}

/** `.github/CODEOWNERS` and its siblings on disk; never follows a link. */
function fsRepoFiles(root: string): RepoFiles {
  const regular = async (path: string) => {
    const info = await lstat(join(root, path)).catch(() => undefined);
    if (info && !info.isFile())
      throw new OperationalError(
        `${path}: is not a regular file (a link or a folder). Replace it with a plain file.`,
      );
    return info !== undefined;
  };
  return {
    read: async (path) => ((await regular(path)) ? readFile(join(root, path), "utf8") : undefined),
    write: async (path, text) => {
      await regular(path);
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    },
  };
}

function whoText(owners: readonly PathOwners[]): string {
  return owners
    .map((o) =>
      o.line === undefined
        ? `${o.path}: no owners (no rule in ${CODEOWNERS_FILE} matches it)`
        : o.owners.length === 0
          ? `${o.path}: no owners (${CODEOWNERS_FILE} line ${o.line} \`${o.pattern}\` has none)`
          : `${o.path}: ${o.owners.join(" ")} (${CODEOWNERS_FILE} line ${o.line} \`${o.pattern}\`)`,
    )
    .map((line) => `${line}\n`)
    .join("");
}

const problemJson = (p: Problem) => ({
  severity: p.severity,
  code: p.code,
  file: p.file,
  line: p.line,
  column: p.column,
  path: p.path,
  message: p.message,
});

function problemText(p: Problem, style: TextStyle): string {
  const label = p.severity === "error" ? style.red("error") : style.yellow("warning");
  return `${label} ${style.dim(`[${p.code}]`)} ${p.message}`;
}

function counts(result: CheckResult): string {
  const errors = result.problems.filter((p) => p.severity === "error").length;
  const warnings = result.problems.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

function summary(result: CheckResult): string {
  return result.valid
    ? `${CODEOWNERS_FILE}: up to date, ${result.rules} rules, every file under sites/ has an owner${result.problems.length ? ` (${counts(result)})` : ""}.`
    : `${CODEOWNERS_FILE}: ${counts(result)}.`;
}

function checkText(result: CheckResult, style: TextStyle): string {
  const lines = result.problems.map((p) => problemText(p, style));
  if (result.diff)
    lines.push(
      ...result.diff
        .trimEnd()
        .split("\n")
        .map((l) => `  ${l}`),
    );
  lines.push(...result.notes.map((n) => style.dim(`note: ${n}`)));
  lines.push(result.valid ? style.green(summary(result)) : style.red(summary(result)));
  return `${lines.join("\n")}\n`;
}

function checkJson(result: CheckResult): string {
  const { valid, missing, stale, rules, notes, diff } = result;
  const problems = result.problems.map(problemJson);
  return `${JSON.stringify({ valid, missing, stale, rules, problems, notes, diff }, null, 2)}\n`;
}

function checkGithub(result: CheckResult): string {
  const data = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const property = (s: string) => data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  const lines = result.problems.map((p) => {
    const message = p.code === "codeowners-stale" && result.diff ? `${p.message}\n${result.diff}` : p.message;
    return `::${p.severity === "error" ? "error" : "warning"} file=${property(p.file)},line=${p.line},col=${p.column},title=${property(`siteops ${p.code}`)}::${data(message)}`;
  });
  lines.push(...result.notes.map((n) => `::notice title=siteops codeowners::${data(n)}`));
  lines.push(summary(result));
  return `${lines.join("\n")}\n`;
}
