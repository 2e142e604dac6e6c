import { resolve } from "node:path";
import { FsImportTarget, readDump, writeOutputFile } from "../../adapters/cric-fetch.js";
import { FsConfigSource } from "../../adapters/fs-source.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { readChangelogTemplates } from "../../adapters/templates-fs.js";
import { driftFromLive, exportRepository, importDumps } from "../../app/cric.js";
import { describeOutcome, syncDriftIssue } from "../../app/cric-drift-issue.js";
import { DRIFT_ISSUE_MARKER, ISSUE_BODY_LIMIT } from "../../core/cric/drift-issue.js";
import { renderImportJson, renderImportText } from "../../core/cric/report.js";
import { UsageError } from "../../core/errors.js";
import { GITHUB_COMMENT_LIMIT, renderChangelog } from "../../core/render/changelog.js";
import { renderProblemsText } from "../../core/render/problems.js";
import { oneOf, parseCommandArgs } from "../args.js";
import { codeHostFromEnv } from "../github-env.js";
import { type CliIo, styleFor } from "../io.js";

export const CRIC_USAGE = `siteops cric: CRIC interoperability (see docs/cric.md)

  siteops cric import --pandaqueues FILE [--sites FILE] [--ddmendpoints FILE] [--force] [--format text|json] [--root DIR]
  siteops cric export [--out FILE] [--root DIR]
  siteops cric drift --live FILE|URL [--issue] [--format text|markdown|json] [--root DIR]

Exit codes: import 0 written or up to date, 1 not written (files would change without --force, or the
tree would not validate); export 0, 1 tree does not validate; drift 0 no drift, 1 drift found;
2 usage error, unreadable or bad dump, network failure.
drift --issue keeps one GitHub issue labelled cric-drift (GITHUB_TOKEN, GITHUB_REPOSITORY): opened or
updated while there is drift, closed when it is gone.
`;

/** `siteops cric import|export|drift`; errors are turned into exit codes by cli/main.ts. */
export async function cricCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "import":
      return importCommand(rest, io);
    case "export":
      return exportCommand(rest, io);
    case "drift":
      return driftCommand(rest, io);
    case "help":
    case "--help":
    case undefined:
      io.stdout(CRIC_USAGE);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(
        `unknown cric command \`${sub}\`. Use import, export or drift (siteops cric help).`,
      );
  }
}

async function importCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      pandaqueues: { type: "string" },
      sites: { type: "string" },
      ddmendpoints: { type: "string" },
      root: { type: "string" },
      force: { type: "boolean" },
      format: { type: "string" },
    },
    false,
  );
  const format = oneOf("format", values.format, ["text", "json"], "text");
  if (!values.pandaqueues) {
    throw new UsageError(
      "--pandaqueues is required: the CRIC queue dump (JSON keyed by queue name, e.g. cric_pandaqueues.json).",
    );
  }
  const read = (location: string, flag: string) => readDump(location, { cwd: io.cwd, flag });
  const report = await importDumps({
    target: new FsImportTarget(resolve(io.cwd, values.root ?? ".")),
    schemas: new FsSchemaSource(),
    pandaqueues: await read(values.pandaqueues, "--pandaqueues"),
    ...(values.sites ? { sites: await read(values.sites, "--sites") } : {}),
    ...(values.ddmendpoints ? { ddmendpoints: await read(values.ddmendpoints, "--ddmendpoints") } : {}),
    force: values.force === true,
  });
  io.stdout(format === "json" ? renderImportJson(report) : renderImportText(report));
  return report.outcome === "refused" ? 1 : 0;
}

async function exportCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { out: { type: "string" }, root: { type: "string" } }, false);
  const result = await exportRepository({
    source: new FsConfigSource(resolve(io.cwd, values.root ?? ".")),
    schemas: new FsSchemaSource(),
  });
  if (!result.ok) {
    io.stderr("siteops cric export: the tree does not validate, so it is not exported:\n");
    io.stderr(
      renderProblemsText(
        { valid: false, counts: result.counts, problems: result.problems },
        styleFor(io, io.stderrIsTty),
      ),
    );
    return 1;
  }
  if (values.out === undefined) {
    io.stdout(result.json);
  } else {
    await writeOutputFile(io.cwd, values.out, result.json);
    io.stderr(`exported ${result.queues} queue(s) to ${values.out}\n`);
  }
  return 0;
}

async function driftCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      live: { type: "string" },
      root: { type: "string" },
      format: { type: "string" },
      issue: { type: "boolean" },
    },
    false,
  );
  const format = oneOf("format", values.format, ["text", "markdown", "json"], "text");
  if (!values.live) {
    throw new UsageError(
      "--live is required: the CRIC queue dump to compare with (a file, or an http(s) URL such as https://atlas-cric.cern.ch/api/atlas/pandaqueue/query/?json).",
    );
  }
  const host = values.issue === true ? await codeHostFromEnv(io) : undefined;
  if (values.issue === true && !host) {
    throw new UsageError(
      "--issue needs GITHUB_TOKEN (with issues: write) and GITHUB_REPOSITORY (owner/repo), as a workflow has them.",
    );
  }
  const root = resolve(io.cwd, values.root ?? ".");
  const source = new FsConfigSource(root);
  await source.assertRoot();
  const live = await readDump(values.live, { cwd: io.cwd, flag: "--live" });
  const { report, problems, config } = await driftFromLive({ source, schemas: new FsSchemaSource(), live });
  for (const problem of problems) {
    io.stderr(`siteops: warning: ${problem.message} (not compared; run siteops validate)\n`);
  }
  const meta = { title: `drift between the repository and ${values.live}` };
  const templates =
    format !== "json" || host ? await readChangelogTemplates(root, config.templates) : undefined;
  if (format === "json" || !templates) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout(
      renderChangelog(
        report,
        meta,
        format,
        templates,
        format === "markdown" ? { maxLength: GITHUB_COMMENT_LIMIT } : {},
      ),
    );
  }
  if (host && templates) {
    // Room for the marker and the explanation above the changelog.
    const maxLength = ISSUE_BODY_LIMIT - DRIFT_ISSUE_MARKER.length - 1024;
    const markdown = renderChangelog(report, meta, "markdown", templates, { maxLength });
    const outcome = await syncDriftIssue(host, {
      changes: report.changes.length,
      markdown,
      live: values.live,
    });
    io.stderr(`siteops: ${describeOutcome(outcome)}\n`);
  }
  return report.changes.length > 0 ? 1 : 0;
}
