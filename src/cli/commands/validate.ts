import { resolve } from "node:path";
import { FsConfigSource } from "../../adapters/fs-source.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { WorkerCheckPool } from "../../adapters/worker-pool.js";
import { checkRepository } from "../../app/validate.js";
import { renderProblemsGithub, renderProblemsJson, renderProblemsText } from "../../core/render/problems.js";
import { oneOf, parseCommandArgs } from "../args.js";
import { type CliIo, styleFor } from "../io.js";

export async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { root: { type: "string" }, format: { type: "string" } }, false);
  const format = oneOf("format", values.format, ["text", "json", "github"], "text");
  const root = resolve(io.cwd, values.root ?? ".");
  const source = new FsConfigSource(root);
  // Progress only for a person watching a terminal; JSON, annotations and CI logs stay clean.
  const showProgress = format === "text" && io.stderrIsTty && !io.env.CI;
  let lastShown = 0;
  const report = await checkRepository({
    source,
    schemas: new FsSchemaSource(),
    pool: new WorkerCheckPool(root),
    ...(showProgress
      ? {
          onProgress: (done: number, total: number) => {
            if (done - lastShown >= 200 || done === total) {
              lastShown = done;
              io.stderr(`\rchecking files: ${done}/${total}${done === total ? "\n" : ""}`);
            }
          },
        }
      : {}),
  });
  if (format === "json") io.stdout(renderProblemsJson(report));
  else if (format === "github") io.stdout(renderProblemsGithub(report));
  else io.stdout(renderProblemsText(report, styleFor(io, io.stdoutIsTty)));
  return report.valid ? 0 : 1;
}
