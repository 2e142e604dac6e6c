import { InternalError, OperationalError, UsageError } from "../core/errors.js";
import { checkCommand } from "./commands/check.js";
import { cricCommand } from "./commands/cric.js";
import { diffCommand } from "./commands/diff.js";
import { logCommand } from "./commands/log.js";
import { newCommand } from "./commands/new.js";
import { reportCommand } from "./commands/report.js";
import { validateCommand } from "./commands/validate.js";
import { type CliIo, processIo } from "./io.js";

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
  siteops cric drift --live FILE|URL [--format text|markdown|json] [--root DIR]
  siteops new queue <NAME> --site <SITE> [--from <QUEUE>] [--corepower N] [--root DIR]
  siteops help | --help | --version

Exit codes: 0 ok, 1 problems found (diff: changes found, with --exit-code), 2 usage or operational error.
`;

/** Runs one command and returns its exit code; the only place that turns errors into exit codes. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate":
        return await validateCommand(rest, io);
      case "new":
        return await newCommand(rest, io);
      case "diff":
        return await diffCommand(rest, io);
      case "check":
        return await checkCommand(rest, io);
      case "cric":
        return await cricCommand(rest, io);
      case "log":
        return await logCommand(rest, io);
      case "report":
        return await reportCommand(rest, io);
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
  const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
