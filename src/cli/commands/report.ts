import { resolve } from "node:path";
import { FsConfigSource } from "../../adapters/fs-source.js";
import { GitRevisionReader } from "../../adapters/git-reader.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { readChangelogTemplates } from "../../adapters/templates-fs.js";
import { reportRepository } from "../../app/report.js";
import { renderChangelog } from "../../core/render/changelog.js";
import { renderProblemsText } from "../../core/render/problems.js";
import { parseCommandArgs } from "../args.js";
import { type CliIo, styleFor } from "../io.js";

/** `siteops report`: what `npm start` runs on the bundled tree. */
export async function reportCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { root: { type: "string" } }, false);
  const root = resolve(io.cwd, values.root ?? ".");
  const source = new FsConfigSource(root);
  const reader = new GitRevisionReader(root);
  try {
    const report = await reportRepository({ source, reader, schemas: new FsSchemaSource() });
    const style = styleFor(io, io.stdoutIsTty);
    io.stdout("== Validation ==\n");
    io.stdout(renderProblemsText(report.validation, style));
    io.stdout("\n== Latest configuration change ==\n");
    if (report.latest) {
      const { commit, diff, tickets } = report.latest;
      io.stdout(
        `${commit.sha.slice(0, 12)} ${commit.date.slice(0, 10)} ${commit.authorName}: ${commit.subject}\n\n`,
      );
      const templates = await readChangelogTemplates(root, report.validation.config.templates);
      io.stdout(renderChangelog(diff, { title: commit.subject, tickets }, "text", templates));
    } else {
      io.stdout(`${report.note}\n`);
    }
    return report.validation.valid ? 0 : 1;
  } finally {
    await reader.close();
  }
}
