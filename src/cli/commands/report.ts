import { resolve } from "node:path";
import { FsConfigSource } from "../../adapters/fs-source.js";
import { GitRevisionReader } from "../../adapters/git-reader.js";
import { NodemailerEncoder } from "../../adapters/mail-compose.js";
import { EmlDirectoryTransport } from "../../adapters/mail-files.js";
import { readMailTemplates } from "../../adapters/mail-templates.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { readChangelogTemplates } from "../../adapters/templates-fs.js";
import { checkPullRequest } from "../../app/check.js";
import { planNotifications } from "../../app/notify.js";
import { deliverMails } from "../../app/notify-deliver.js";
import { loadOwnership } from "../../app/ownership.js";
import { reportRepository } from "../../app/report.js";
import { EMPTY_TREE } from "../../core/ports.js";
import { renderChangelog } from "../../core/render/changelog.js";
import { renderCheckText } from "../../core/render/check.js";
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
      // The pull-request verdict as the gate would give it, offline: no reviews, no author.
      const schemas = new FsSchemaSource();
      const base = commit.parents[0] ?? EMPTY_TREE;
      const gate = await checkPullRequest({
        reader,
        schemas,
        base,
        head: commit.sha,
        ownersOf: await loadOwnership(reader, schemas, base),
        now: io.now(),
      });
      io.stdout("\n== Pull-request report (offline: reviews and author unknown) ==\n");
      io.stdout(renderCheckText(gate));
      for (const row of gate.ownership)
        io.stdout(`  needs approval from ${row.owners.join(" or ")} for ${row.file}\n`);
      // The mails this change means for the affected sites; with no SMTP configured they are files.
      const planned = await planNotifications({
        reader,
        schemas,
        base,
        head: commit.sha,
        stage: "applied",
        repository: io.env.GITHUB_REPOSITORY ?? "local/siteops",
        templates: await readMailTemplates(),
      });
      const outDir = resolve(root, "out", "mail");
      const delivery = await deliverMails(planned.plan.mails, planned.facts, {
        transport: new EmlDirectoryTransport(outDir),
        encoder: new NodemailerEncoder(),
        retry: { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
        sleep: async () => {},
        now: io.now,
      });
      io.stdout(`\n== Site mails (no SMTP configured: written to ${outDir}) ==\n`);
      for (const result of delivery.results) {
        const mail = planned.plan.mails.find((m) => m.messageId === result.messageId);
        const to = (mail?.to ?? []).map((a) => a.address).join(", ");
        io.stdout(`${result.site}: ${result.status}: ${mail?.subject ?? ""} (to ${to})\n`);
      }
      if (planned.plan.mails.length === 0) io.stdout("no site is affected.\n");
    } else {
      io.stdout(`${report.note}\n`);
    }
    return report.validation.valid ? 0 : 1;
  } finally {
    await reader.close();
  }
}
