import { resolve } from "node:path";
import { GitRevisionReader } from "../../adapters/git-reader.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { diffRefs } from "../../app/diff.js";
import { UsageError } from "../../core/errors.js";
import { oneOf, parseCommandArgs } from "../args.js";
import type { CliIo } from "../io.js";

export async function diffCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      base: { type: "string" },
      head: { type: "string" },
      format: { type: "string" },
      root: { type: "string" },
      "exit-code": { type: "boolean" },
    },
    false,
  );
  if (!values.base)
    throw new UsageError("--base is required: the revision to compare against (e.g. origin/main).");
  const format = oneOf("format", values.format, ["text", "markdown", "json", "html"], "text");
  const root = resolve(io.cwd, values.root ?? ".");
  const reader = new GitRevisionReader(root);
  try {
    const { report, problems, config } = await diffRefs({
      reader,
      schemas: new FsSchemaSource(),
      base: values.base,
      ...(values.head !== undefined ? { head: values.head } : {}),
    });
    for (const problem of problems) {
      io.stderr(
        `siteops: warning: ${problem.message} (its changes are not in the report; run siteops validate)\n`,
      );
    }
    if (format === "json") {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      // The template engine is loaded only for the formats rendered through it.
      const { readChangelogTemplates } = await import("../../adapters/templates-fs.js");
      const { GITHUB_COMMENT_LIMIT, renderChangelog } = await import("../../core/render/changelog.js");
      const templates = await readChangelogTemplates(root, config.templates);
      io.stdout(
        renderChangelog(
          report,
          {},
          format,
          templates,
          format === "markdown" ? { maxLength: GITHUB_COMMENT_LIMIT } : {},
        ),
      );
    }
    return values["exit-code"] && report.changes.length > 0 ? 1 : 0;
  } finally {
    await reader.close();
  }
}
