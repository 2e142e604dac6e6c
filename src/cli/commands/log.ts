import { resolve } from "node:path";
import { GitRevisionReader } from "../../adapters/git-reader.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { type ObjectSelector, objectHistory } from "../../app/log.js";
import { UsageError } from "../../core/errors.js";
import { renderLogMarkdown, renderLogText } from "../../core/render/log.js";
import { oneOf, parseCommandArgs } from "../args.js";
import type { CliIo } from "../io.js";

export async function logCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      site: { type: "string" },
      queue: { type: "string" },
      cloud: { type: "string" },
      since: { type: "string" },
      format: { type: "string" },
      root: { type: "string" },
    },
    false,
  );
  const chosen = (["queue", "site", "cloud"] as const).filter((kind) => values[kind] !== undefined);
  if (chosen.length !== 1) throw new UsageError("give exactly one of --queue Q, --site S or --cloud C.");
  const kind = chosen[0]!;
  const select: ObjectSelector = { kind, name: values[kind]! };
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) {
    throw new UsageError(`--since must be a date such as 2026-01-31, not \`${values.since}\`.`);
  }
  const format = oneOf("format", values.format, ["text", "markdown", "json"], "text");
  const reader = new GitRevisionReader(resolve(io.cwd, values.root ?? "."));
  try {
    const entries = await objectHistory({
      reader,
      schemas: new FsSchemaSource(),
      select,
      ...(values.since !== undefined ? { since: values.since } : {}),
    });
    if (format === "json") io.stdout(`${JSON.stringify({ object: select, entries }, null, 2)}\n`);
    else if (format === "markdown") io.stdout(renderLogMarkdown(entries));
    else io.stdout(renderLogText(entries));
    return 0;
  } finally {
    await reader.close();
  }
}
