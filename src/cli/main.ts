import { packagePath } from "../adapters/package-root.js";
import { InternalError, OperationalError, UsageError } from "../core/errors.js";
import { type CliIo, processIo } from "./io.js";

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/**
 * Commands by name, each imported only when used: `validate` must not pay for loading the GitHub
 * client, the mailer or the template engine (start-up time is part of every PR verdict).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import("./commands/validate.js")).validateCommand,
  new: async () => (await import("./commands/new.js")).newCommand,
  diff: async () => (await import("./commands/diff.js")).diffCommand,
  check: async () => (await import("./commands/check.js")).checkCommand,
  cric: async () => (await import("./commands/cric.js")).cricCommand,
  log: async () => (await import("./commands/log.js")).logCommand,
  report: async () => (await import("./commands/report.js")).reportCommand,
  codeowners: async () => (await import("./commands/codeowners.js")).codeownersCommand,
  notify: async () => (await import("./commands/notify.js")).notifyCommand,
  corepower: async () => (await import("./commands/corepower.js")).corepowerCommand,
};

export const USAGE = `siteops: ATLAS site and PanDA-queue configuration as reviewed YAML

Usage:
  siteops report [--root DIR]          validation and changelog of the latest configuration commit
  siteops validate [--root DIR] [--format text|json|github]
  siteops check (--base REF --head REF | --event FILE | --pr N) [--post] [--format text|markdown|json]
               [--comment-out FILE] [--root DIR]   the pull-request verdict (GITHUB_TOKEN, GITHUB_REPOSITORY)
  siteops diff --base REF [--head REF] [--format text|markdown|json|html] [--exit-code] [--root DIR]
  siteops log (--queue Q | --site S | --cloud C) [--since DATE] [--format text|markdown|json] [--root DIR]
  siteops cric import --pandaqueues FILE [--sites FILE] [--ddmendpoints FILE] [--force] [--format text|json] [--root DIR]
  siteops cric export [--out FILE] [--root DIR]
  siteops cric drift --live FILE|URL [--issue] [--format text|markdown|json] [--root DIR]
  siteops codeowners (--write | --check [--ask-github] [--format text|json|github] | --who PATH... [--format text|json]) [--root DIR]
  siteops notify (--event FILE | --pr N | --base REF --head REF) [--stage heads-up|applied] [--smtp URL | --out DIR]
               [--outbox DIR] [--dry-run] [--format text|json|markdown] [--repository OWNER/REPO] [--root DIR]
  siteops notify --resend DIR --smtp URL | --digest [--force] --smtp URL
  siteops corepower --feed PATH|URL ... [--scores FILE [--hardware FILE]] [--dry-run | --write | --open-prs]
               [--format text|json] [--root DIR]   corepower PRs from HEPscore23 results (docs/corepower.md)
  siteops new queue <NAME> --site <SITE> [--from <QUEUE>] [--corepower N] [--root DIR]
  siteops help | --help | --version

Exit codes: 0 ok, 1 problems found (diff: changes found, with --exit-code), 2 usage or operational error.
`;

/** Runs one command and returns its exit code; the only place that turns errors into exit codes. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const load = command === undefined ? undefined : COMMANDS[command];
    if (load) return await (await load())(rest, io);
    switch (command) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      case "--version":
        io.stdout(`${await version()}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command \`${command}\`. Run \`siteops help\` for the commands.`);
    }
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`siteops: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (error instanceof OperationalError) {
    io.stderr(`siteops: ${error.message}\n`);
    return 2;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const kind = error instanceof InternalError ? "internal error" : "unexpected error";
  io.stderr(`siteops: ${kind}; this is a bug in siteops, please report it with this output:\n${detail}\n`);
  return 2;
}

async function version(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const pkg = JSON.parse(await readFile(packagePath("package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
