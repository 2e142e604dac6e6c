import { dueSites, planDigest } from "../core/mail/digest.js";
import type { DigestEntry, MailPlan, MailTemplates } from "../core/mail/model.js";
import type { DigestQueue } from "../core/mail/ports.js";
import { type NotificationSettings, readNotificationSettings } from "../core/mail/settings.js";
import type { RevisionReader, SchemaSource } from "../core/ports.js";
import { readConfigAt } from "./diff.js";
import { noticeOf } from "./notify.js";
import { type DeliveryDeps, type DeliveryReport, deliverMails } from "./notify-deliver.js";
import { loadDirectory } from "./notify-tree.js";

export interface DigestOptions {
  reader: RevisionReader;
  schemas: SchemaSource;
  /** The revision whose contacts receive the digest (the default branch). */
  head: string;
  queue: DigestQueue;
  repository: string;
  templates: MailTemplates;
  now: Date;
  /** Send every queued site now, whatever the digest period says. */
  force?: boolean;
}

export interface DigestRun {
  plan: MailPlan;
  settings: NotificationSettings;
  /** Queued entries not due yet, by site. */
  waiting: Map<string, number>;
  delivery: DeliveryReport;
}

/**
 * `siteops notify --digest`: one mail per site whose digest is due, with all its queued bot
 * changes. Queue entries are removed once their digest was accepted or is safe in the outbox;
 * the digest's Message-ID is derived from the entries it covers, so a run that stops between
 * sending and clearing sends nothing twice.
 */
export async function sendDigests(options: DigestOptions, deps: DeliveryDeps): Promise<DigestRun> {
  const schemas = await options.schemas.readSchemas();
  const head = await options.reader.resolve(options.head);
  const config = await readConfigAt(options.reader, head, schemas);
  const { settings, warnings } = readNotificationSettings(config.raw, schemas.config);
  const entries = await options.queue.list();
  const frequency = settings.digest.bots === "off" ? "daily" : settings.digest.bots;
  const due = options.force ? new Set(entries.map((e) => e.site)) : dueSites(entries, frequency, options.now);
  const waiting = new Map<string, number>();
  for (const entry of entries)
    if (!due.has(entry.site)) waiting.set(entry.site, (waiting.get(entry.site) ?? 0) + 1);
  const refs = uniqueSites(entries.filter((e) => due.has(e.site)));
  const directory = await loadDirectory(options.reader, [head], refs, config.maxFileBytes);
  const plan = planDigest({
    entries,
    sites: due,
    directory,
    settings,
    notice: noticeOf(config),
    templates: options.templates,
    repository: options.repository,
  });
  plan.warnings.unshift(...warnings);
  // Digests go out; they are never queued again.
  const { digestQueue: _queue, ...sending } = deps;
  const delivery = await deliverMails(plan.mails, { repository: options.repository, tickets: [] }, sending);
  const done = new Set(delivery.results.filter((r) => r.status !== "failed").map((r) => r.messageId));
  const cleared = plan.mails.filter((m) => done.has(m.messageId)).flatMap((m) => m.digestEntries ?? []);
  await options.queue.remove(cleared);
  return { plan, settings, waiting, delivery };
}

function uniqueSites(entries: readonly DigestEntry[]): { site: string; cloud: string }[] {
  const out = new Map<string, { site: string; cloud: string }>();
  for (const entry of entries) out.set(entry.site, { site: entry.site, cloud: entry.cloud });
  return [...out.values()];
}
