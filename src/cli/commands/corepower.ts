import { resolve } from "node:path";
import { FsHttpFeedSource } from "../../adapters/feeds.js";
import { FsConfigSource } from "../../adapters/fs-source.js";
import { FsWorktreeWriter, GitBranchPublisher } from "../../adapters/git-push.js";
import { GitRevisionReader } from "../../adapters/git-reader.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { planRun, writeRun } from "../../app/corepower.js";
import { runPullRequests } from "../../app/corepower-prs.js";
import { resolveConfig } from "../../core/config.js";
import { renderJson, renderText } from "../../core/corepower/report.js";
import { readCorepowerSettings } from "../../core/corepower/settings.js";
import { UsageError } from "../../core/errors.js";
import { parseYaml } from "../../core/load/parse-yaml.js";
import { oneOf, parseCommandArgs } from "../args.js";
import type { CliIo } from "../io.js";

export const COREPOWER_USAGE = `siteops corepower: corepower from HEP Benchmark Suite results (see docs/corepower.md)

  siteops corepower --feed PATH|URL ... [--scores FILE [--hardware FILE]]
                    [--dry-run | --write | --open-prs] [--format text|json] [--root DIR]

  --feed       a folder of result JSON files, a JSON or JSON-lines file, or an http(s) URL (repeatable)
  --scores     HS23 per core by CPU model: {"CPU model": score} (YAML or JSON); estimates sites without
               results from the \`hardware\` their site.yaml declares
  --hardware   hardware of sites whose site.yaml declares none: {SITE: [{cpu_model, cores}]} (needs --scores)
  --dry-run    print the proposals only (the default)
  --write      apply the proposals to the working tree, no pull request
  --open-prs   one branch and pull request per cloud (GITHUB_TOKEN, GITHUB_REPOSITORY; git remote origin)

Exit codes: 0 done (with or without proposals), 2 usage or operational error.
`;

/** `siteops corepower`; errors are turned into exit codes by cli/main.ts. */
export async function corepowerCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      feed: { type: "string", multiple: true },
      hardware: { type: "string" },
      scores: { type: "string" },
      "dry-run": { type: "boolean" },
      write: { type: "boolean" },
      "open-prs": { type: "boolean" },
      format: { type: "string" },
      root: { type: "string" },
      help: { type: "boolean" },
    },
    false,
  );
  if (values.help) {
    io.stdout(COREPOWER_USAGE);
    return 0;
  }
  const format = oneOf("format", values.format, ["text", "json"], "text");
  const modes = [values["dry-run"], values.write, values["open-prs"]].filter(Boolean).length;
  if (modes > 1) throw new UsageError("give one of --dry-run, --write and --open-prs.");
  const feeds = values.feed ?? [];
  if (values.hardware !== undefined && values.scores === undefined) {
    throw new UsageError("--hardware needs --scores: the HS23 per core of the CPU models it declares.");
  }
  if (feeds.length === 0 && values.scores === undefined) {
    throw new UsageError(
      "give at least one --feed (a folder, file or URL of benchmark results), or --scores to estimate from declared hardware.",
    );
  }
  const root = resolve(io.cwd, values.root ?? ".");
  const source = new FsConfigSource(root);
  await source.assertRoot();
  const schemas = new FsSchemaSource();
  const feedSource = new FsHttpFeedSource(io.cwd);
  const inputs = {
    feeds,
    ...(values.hardware !== undefined ? { hardware: values.hardware } : {}),
    ...(values.scores !== undefined ? { scores: values.scores } : {}),
  };
  const now = io.now();
  const print = (text: string) => io.stdout(text);
  const warn = (warnings: readonly string[]) => {
    for (const w of warnings) io.stderr(`siteops corepower: ${w}\n`);
  };

  if (values["open-prs"]) {
    const token = io.env.GITHUB_TOKEN;
    const repository = io.env.GITHUB_REPOSITORY ?? "";
    const [owner, repo] = repository.split("/");
    if (!token || !owner || !repo) {
      throw new UsageError(
        "--open-prs needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/repo) in the environment.",
      );
    }
    const local = await readLocalSettings(source, schemas);
    warn(local.warnings);
    const { OctokitCodeHost } = await import("../../adapters/github.js");
    const host = new OctokitCodeHost({
      token,
      owner,
      repo,
      commentAuthor: local.settings.bot.login,
      ...(io.env.GITHUB_API_URL ? { baseUrl: io.env.GITHUB_API_URL } : {}),
    });
    const reader = new GitRevisionReader(root);
    try {
      const result = await runPullRequests({
        reader,
        publisher: new GitBranchPublisher(root, {
          name: local.settings.bot.gitName,
          email: local.settings.bot.gitEmail,
        }),
        host,
        schemas,
        feedSource,
        inputs,
        now,
        baseBranch: local.settings.baseBranch,
        branchPrefix: local.settings.branchPrefix,
      });
      if (!local.settings.ticket) warn([noTicket]);
      print(
        format === "json"
          ? renderJson(result.plan, result.outcomes)
          : renderText(result.plan, result.outcomes),
      );
      return 0;
    } finally {
      await reader.close();
    }
  }

  const run = await planRun({ source, schemas, feedSource, inputs, now });
  warn(run.warnings);
  if (values.write) {
    const { plan, written } = await writeRun(run, source, schemas, new FsWorktreeWriter(root));
    print(format === "json" ? renderJson(plan) : renderText(plan, undefined, written));
    return 0;
  }
  print(format === "json" ? renderJson(run.plan) : renderText(run.plan));
  return 0;
}

const noTicket =
  "siteops.config.yaml: corepower.ticket is not set, so the pull requests name no ticket and fail the ticket check. Set it to the standing ticket (docs/corepower.md).";

/** The working tree's corepower settings: which base branch and branch prefix to fetch. */
async function readLocalSettings(source: FsConfigSource, schemas: FsSchemaSource) {
  const file = await source.readConfig();
  const data = file ? parseYaml(file.path, file.bytes, { maxBytes: 1_048_576 }).data : {};
  const { config } = await schemas.readSchemas();
  return readCorepowerSettings(resolveConfig(data ?? {}, config).raw, config);
}
