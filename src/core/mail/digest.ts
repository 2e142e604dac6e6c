import { findDisruptions } from "../gate/notice.js";
import { subjectLine, utcText } from "./content.js";
import { digestId } from "./message-id.js";
import type {
  DigestEntry,
  MailPlan,
  MailTemplates,
  NoticeSettings,
  PlannedMail,
  SiteDirectoryEntry,
} from "./model.js";
import { composeMail, senderOf } from "./plan.js";
import type { DigestFrequency, NotificationSettings } from "./settings.js";

const PERIOD_HOURS: Record<Exclude<DigestFrequency, "off">, number> = { daily: 24, weekly: 168 };

/**
 * Sites whose digest is due: the oldest queued change is at least one period old. Running
 * `siteops notify --digest` every day then gives each site at most one mail per period, and a
 * site with nothing queued none at all.
 */
export function dueSites(
  entries: readonly DigestEntry[],
  frequency: DigestFrequency,
  now: Date,
): Set<string> {
  const hours = frequency === "off" ? 0 : PERIOD_HOURS[frequency];
  const oldest = new Map<string, number>();
  for (const entry of entries) {
    const at = Date.parse(entry.queuedAt);
    oldest.set(entry.site, Math.min(oldest.get(entry.site) ?? at, at));
  }
  return new Set(
    [...oldest].filter(([, at]) => now.getTime() - at >= hours * 3_600_000).map(([site]) => site),
  );
}

export interface DigestInput {
  entries: readonly DigestEntry[];
  /** Only these sites (see dueSites); all queued sites when absent. */
  sites?: ReadonlySet<string>;
  directory: ReadonlyMap<string, SiteDirectoryEntry>;
  settings: NotificationSettings;
  notice: NoticeSettings;
  templates: MailTemplates;
  repository: string;
}

/** One mail per site with all its queued bot changes, oldest first, grouped by pull request. */
export function planDigest(input: DigestInput): MailPlan {
  const warnings: string[] = [];
  const plan: MailPlan = { mails: [], skipped: [], warnings };
  const sender = senderOf(input.settings, warnings);
  const bySite = new Map<string, DigestEntry[]>();
  for (const entry of input.entries) {
    if (input.sites && !input.sites.has(entry.site)) continue;
    bySite.set(entry.site, [...(bySite.get(entry.site) ?? []), entry]);
  }
  for (const [site, queued] of [...bySite].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const entries = [...queued].sort((a, b) => Date.parse(a.queuedAt) - Date.parse(b.queuedAt));
    const dir = input.directory.get(site);
    if (!dir) {
      plan.skipped.push({
        site,
        reason: `sites/${entries[0]?.cloud}/${site}/site.yaml was not found, so the site has no contacts`,
      });
      continue;
    }
    const changes = entries.flatMap((e) => e.changes);
    const disruptive = findDisruptions(changes, input.notice.reducedFields).map((d) => d.what);
    const tickets = [...new Set(entries.flatMap((e) => e.tickets.map((t) => t.id)))];
    const prs = new Set(entries.map((e) => e.pullRequest?.number ?? e.commit));
    const ids = entries.map((e) => e.id);
    const result = composeMail({
      stage: "digest",
      route: "send",
      entry: dir,
      repository: input.repository,
      settings: input.settings,
      sender,
      roles: disruptive.length > 0 ? input.settings.rolesFor.disruptive : input.settings.rolesFor.default,
      messageId: digestId(input.repository, site, ids, sender.domain),
      references: [],
      subject: subjectLine(
        site,
        changes.length,
        tickets,
        `digest of ${prs.size} ${prs.size === 1 ? "change set" : "change sets"}`,
      ),
      groups: entries.map((e) => ({
        ...(e.pullRequest ? { pullRequest: e.pullRequest } : {}),
        ...(e.commit ? { commit: e.commit } : {}),
        ...(e.author ? { author: e.author } : {}),
        tickets: e.tickets,
        changes: e.changes,
      })),
      since: utcText(new Date(entries[0]?.queuedAt ?? 0)),
      templates: input.templates,
      changes,
      disruptive,
      digestEntries: ids,
    });
    warnings.push(...result.warnings);
    if (result.mail) plan.mails.push(result.mail satisfies PlannedMail);
    else plan.skipped.push({ site, reason: result.reason });
  }
  return plan;
}
