import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { GitRevisionReader } from "../../adapters/git-reader.js";
import { NodemailerEncoder } from "../../adapters/mail-compose.js";
import { DirectoryOutbox, EmlDirectoryTransport } from "../../adapters/mail-files.js";
import { GitMailLedger } from "../../adapters/mail-ledger.js";
import { readMailTemplates } from "../../adapters/mail-templates.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { readConfigAt } from "../../app/diff.js";
import { planNotifications } from "../../app/notify.js";
import { type DeliveryDeps, deliverMails, resendOutbox } from "../../app/notify-deliver.js";
import { sendDigests } from "../../app/notify-digest.js";
import { pullRequestEvent } from "../../app/notify-event.js";
import { OperationalError, UsageError } from "../../core/errors.js";
import type { MailPlan } from "../../core/mail/model.js";
import { renderMailPreviewMarkdown } from "../../core/mail/preview.js";
import {
  failureMessages,
  type MailOutcome,
  notifyJson,
  renderDryRun,
  renderNotifyText,
} from "../../core/mail/report.js";
import { readNotificationSettings } from "../../core/mail/settings.js";
import type { PullRequestInfo } from "../../core/ports.js";
import { oneOf, parseCommandArgs } from "../args.js";
import { codeHostFromEnv } from "../github-env.js";
import type { CliIo } from "../io.js";

/** Test hooks: tiny retry delays and timeouts, so the end-to-end tests stay fast. */
export interface NotifyTuning {
  retry?: { attempts: number; initialDelayMs: number; maxDelayMs: number };
  smtpTimeoutMs?: number;
}

export async function notifyCommand(
  args: readonly string[],
  io: CliIo,
  tuning: NotifyTuning = {},
): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      base: { type: "string" },
      head: { type: "string" },
      pr: { type: "string" },
      event: { type: "string" },
      stage: { type: "string" },
      smtp: { type: "string" },
      out: { type: "string" },
      outbox: { type: "string" },
      resend: { type: "string" },
      digest: { type: "boolean" },
      force: { type: "boolean" },
      "dry-run": { type: "boolean" },
      format: { type: "string" },
      repository: { type: "string" },
      root: { type: "string" },
    },
    false,
  );
  const format = oneOf("format", values.format, ["text", "json", "markdown"], "text");
  const root = resolve(io.cwd, values.root ?? ".");
  // An explicit --out wins over SITEOPS_SMTP_URL from the environment.
  const smtpUrl = values.smtp ?? (values.out ? undefined : io.env.SITEOPS_SMTP_URL);
  if (values.smtp && values.out) throw new UsageError("give --smtp URL or --out DIR, not both.");
  if ((values.resend || values.digest) && values["dry-run"])
    throw new UsageError(
      "--dry-run plans the mails of an event; it does not combine with --resend or --digest.",
    );
  if (values.resend && !smtpUrl)
    throw new UsageError(
      "--resend needs --smtp URL (or SITEOPS_SMTP_URL): the outbox holds mails for an SMTP server.",
    );
  const repository = values.repository ?? io.env.GITHUB_REPOSITORY ?? "local";
  const reader = new GitRevisionReader(root);
  const schemas = new FsSchemaSource();
  const smtp = smtpUrl
    ? { url: smtpUrl, user: io.env.SITEOPS_SMTP_USER, password: io.env.SITEOPS_SMTP_PASSWORD }
    : undefined;
  const outboxDir = values.outbox ? resolve(io.cwd, values.outbox) : resolve(root, "out/outbox");
  const shown = (dir: string) => relative(io.cwd, dir) || ".";
  try {
    const config = await readConfigAt(reader, await reader.resolve("HEAD"), await schemas.readSchemas());
    const { settings, warnings } = readNotificationSettings(config.raw, (await schemas.readSchemas()).config);
    for (const warning of warnings) io.stderr(`siteops: warning: ${warning}\n`);
    const retry = tuning.retry ?? {
      attempts: settings.retry.attempts,
      initialDelayMs: settings.retry.initialDelaySeconds * 1000,
      maxDelayMs: settings.retry.maxDelaySeconds * 1000,
    };
    const ledger = smtp ? new GitMailLedger(root, settings.ledgerBranch) : undefined;
    const outDir = resolve(io.cwd, values.out ?? resolve(root, "out/mail"));
    const transport = smtp
      ? new (await import("../../adapters/smtp.js")).SmtpTransport({
          url: smtp.url,
          ...(smtp.user ? { user: smtp.user, password: smtp.password ?? "" } : {}),
          ...(tuning.smtpTimeoutMs
            ? {
                timeouts: {
                  connection: tuning.smtpTimeoutMs,
                  greeting: tuning.smtpTimeoutMs,
                  socket: tuning.smtpTimeoutMs,
                },
              }
            : {}),
        })
      : new EmlDirectoryTransport(outDir);
    if (smtp && /\.invalid>?\s*$/i.test(settings.from)) {
      io.stderr(
        "siteops: warning: siteops.config.yaml: notifications.from is the placeholder sender; most relays refuse it. Set notifications.from to an address your SMTP server accepts.\n",
      );
    }
    const deps: DeliveryDeps = {
      transport,
      encoder: new NodemailerEncoder(),
      ...(ledger ? { ledger, digestQueue: ledger, outbox: new DirectoryOutbox(outboxDir) } : {}),
      retry,
      sleep: (ms) => delay(ms),
      now: io.now,
    };
    try {
      if (values.resend) {
        const outbox = new DirectoryOutbox(resolve(io.cwd, values.resend));
        const delivery = await resendOutbox({ ...deps, outbox });
        const plan = { mails: [], skipped: [], warnings: [] };
        return finish(io, {
          format,
          title: `resend of ${shown(outbox.dir)}`,
          stage: "resend",
          plan,
          delivery,
          outbox: shown(outbox.dir),
        });
      }
      const templates = await readMailTemplates();
      if (values.digest) {
        if (!ledger)
          throw new UsageError(
            "--digest needs --smtp URL (or SITEOPS_SMTP_URL): the queue lives on the ledger branch.",
          );
        const head = values.head ?? "HEAD";
        const options = {
          reader,
          schemas,
          head,
          queue: ledger,
          repository,
          templates,
          now: io.now(),
          force: values.force === true,
        };
        const run = await sendDigests(options, deps);
        const waiting = [...run.waiting].map(([site, n]) => `${site} (${n})`).join(", ");
        const title = `digest${waiting ? `; not due yet: ${waiting}` : ""}`;
        return finish(io, {
          format,
          title,
          stage: "digest",
          plan: run.plan,
          delivery: run.delivery,
          outbox: shown(outboxDir),
        });
      }
      const { pullRequest, mergeCommit } = await pullRequestOf(values, io);
      const merged = pullRequest && !pullRequest.merged ? "heads-up" : "applied";
      const stage = oneOf("stage", values.stage, ["heads-up", "applied"], merged);
      const fromMerge = stage === "applied" && mergeCommit !== undefined;
      const base = values.base ?? (fromMerge ? `${mergeCommit}^1` : pullRequest?.baseSha);
      const head = values.head ?? (fromMerge ? mergeCommit : pullRequest?.headSha);
      if (!base || !head) {
        throw new UsageError(
          "give --base and --head, or --event with a pull_request payload, or --pr N with GITHUB_TOKEN.",
        );
      }
      const commitMessages = pullRequest ? await pullRequestCommits(io, pullRequest.number) : undefined;
      const planned = await planNotifications({
        ...{ reader, schemas, base, head, stage, repository, templates },
        ...(pullRequest ? { pullRequest } : {}),
        ...(commitMessages ? { commitMessages } : {}),
      });
      for (const problem of planned.problems) {
        io.stderr(
          `siteops: warning: ${problem.message} (its changes are in no mail; run siteops validate)\n`,
        );
      }
      const { plan } = planned;
      const event = pullRequest ? `pull request #${pullRequest.number}` : planned.report.head.slice(0, 12);
      const count = `${plan.mails.length} ${plan.mails.length === 1 ? "mail" : "mails"}`;
      const title = `${stage} for ${event}, ${count}`;
      if (values["dry-run"]) {
        const results: MailOutcome[] = [];
        for (const mail of plan.mails) {
          const sent = ledger ? await ledger.has(mail.messageId) : false;
          const status = sent ? "already-sent" : mail.route === "digest" ? "queued-digest" : "dry-run";
          results.push({
            messageId: mail.messageId,
            site: mail.site,
            stage,
            status,
            accepted: [],
            rejected: [],
          });
        }
        const delivery = { results };
        const appendix = renderDryRun(plan.mails);
        return finish(io, {
          format,
          title: `${title} (dry run: nothing sent)`,
          stage,
          plan,
          delivery,
          appendix,
        });
      }
      const delivery = await deliverMails(plan.mails, planned.facts, deps);
      const where = smtp ? "" : `, written to ${shown(outDir)}`;
      return finish(io, { format, title: title + where, stage, plan, delivery, outbox: shown(outboxDir) });
    } finally {
      await transport.close();
    }
  } finally {
    await reader.close();
  }
}

interface Outcome {
  format: string;
  title: string;
  stage: string;
  plan: MailPlan;
  delivery: { results: MailOutcome[]; fatal?: string };
  outbox?: string;
  appendix?: string;
}

/** Prints the outcome; exit 1 when a recipient was refused or a mail is not delivered yet. */
function finish(io: CliIo, o: Outcome): number {
  for (const warning of o.plan.warnings) io.stderr(`siteops: warning: ${warning}\n`);
  const outcomes = o.delivery.results;
  if (o.format === "json") io.stdout(`${JSON.stringify(notifyJson(o.stage, o.plan, outcomes), null, 2)}\n`);
  else if (o.format === "markdown") io.stdout(renderMailPreviewMarkdown(o.plan.mails));
  else io.stdout(renderNotifyText(o.title, o.plan, outcomes, o.outbox) + (o.appendix ?? ""));
  const failures = failureMessages(o.plan, outcomes, o.outbox);
  for (const message of failures) io.stderr(`siteops: ${message}\n`);
  if (o.delivery.fatal) {
    const where = o.outbox ?? "the outbox";
    throw new OperationalError(
      `${o.delivery.fatal} Undelivered mails are kept in ${where}; run siteops notify --resend ${where} once fixed.`,
    );
  }
  return failures.length > 0 ? 1 : 0;
}

async function pullRequestOf(
  values: { event?: string | undefined; pr?: string | undefined },
  io: CliIo,
): Promise<{ pullRequest?: PullRequestInfo; mergeCommit?: string }> {
  if (values.event) {
    const text = await readFile(resolve(io.cwd, values.event), "utf8").catch(
      (error: NodeJS.ErrnoException) => {
        throw new OperationalError(
          `${values.event}: cannot read the event payload (${error.code ?? error.message}).`,
        );
      },
    );
    return pullRequestEvent(text, values.event);
  }
  if (values.pr === undefined) return {};
  const number = Number(values.pr);
  if (!Number.isInteger(number) || number <= 0)
    throw new UsageError(`--pr must be a pull-request number, not \`${values.pr}\`.`);
  const host = await codeHostFromEnv(io);
  if (!host)
    throw new UsageError(
      "--pr needs GITHUB_TOKEN and GITHUB_REPOSITORY to read the pull request; offline, use --event FILE.",
    );
  return { pullRequest: await host.getPullRequest(number) };
}

async function pullRequestCommits(io: CliIo, number: number): Promise<string[] | undefined> {
  const host = await codeHostFromEnv(io);
  return host ? (await host.listPullRequestCommits(number)).map((c) => c.message) : undefined;
}
