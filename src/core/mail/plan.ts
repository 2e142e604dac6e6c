import type { DiffReport, ObjectChange } from "../diff/model.js";
import { findDisruptions } from "../gate/notice.js";
import {
  changeGroup,
  type GroupInput,
  type MailContext,
  renderMailParts,
  subjectLine,
  utcText,
} from "./content.js";
import { type SiteRef, siteFile, sitesOfChange } from "./directory.js";
import { appliedId, changesHash, headsUpId, threadId } from "./message-id.js";
import type {
  MailEvent,
  MailPlan,
  MailRoute,
  MailStage,
  MailTemplates,
  NoticeSettings,
  PlannedMail,
  SiteDirectoryEntry,
  SkippedSite,
} from "./model.js";
import { pickRecipients } from "./recipients.js";
import { domainOf, headerText, mailbox, parseMailbox } from "./sanitize.js";
import { type NotificationSettings, REPLY_TO_CLOUD_SUPPORT_LIST } from "./settings.js";

export interface PlanInput {
  report: DiffReport;
  event: MailEvent;
  /** Contacts and support list of each affected site, by site name (see app/notify-tree.ts). */
  directory: ReadonlyMap<string, SiteDirectoryEntry>;
  settings: NotificationSettings;
  notice: NoticeSettings;
  templates: MailTemplates;
  /**
   * Applied stage of a pull request: its changes as the heads-up saw them (pull-request base to
   * head), so the applied mail can name the heads-up it follows. Absent: the applied changes.
   */
  headsUpReport?: DiffReport;
}

/**
 * Plans the mails of one event: one per affected site, with only that site's changes, its
 * recipients from the tree, deterministic ids and threading, and both parts rendered.
 */
export function planMails(input: PlanInput): MailPlan {
  const { event, settings } = input;
  const warnings: string[] = [];
  const skipped: SkippedSite[] = [];
  const sender = senderOf(settings, warnings);
  const pr = event.pullRequest;
  const bySite = groupBySite(input.report.changes, skipped);
  const headsUpBySite = input.headsUpReport ? groupBySite(input.headsUpReport.changes, []) : undefined;
  const mails: PlannedMail[] = [];
  for (const [site, { ref, changes }] of bySite) {
    if (event.stage === "heads-up" && !pr) {
      skipped.push({
        site,
        reason: "a heads-up needs the pull request (its notice counts from when it was opened)",
      });
      continue;
    }
    if (event.stage === "heads-up" && pr?.draft) {
      skipped.push({ site, reason: "draft pull request: the heads-up goes out once it is ready for review" });
      continue;
    }
    const entry = input.directory.get(site);
    if (!entry) {
      skipped.push({ site, reason: `${siteFile(ref)} was not found, so the site has no contacts` });
      continue;
    }
    const disruptive = findDisruptions(changes, input.notice.reducedFields).map((d) => d.what);
    let route: MailRoute = "send";
    if (pr?.authorIsBot && settings.digest.bots !== "off" && disruptive.length === 0) {
      if (event.stage === "heads-up") {
        skipped.push({
          site,
          reason: `bot change without a disruptive change: no heads-up; it goes into the ${settings.digest.bots} digest once merged`,
        });
        continue;
      }
      route = "digest";
    }
    const roles = disruptive.length > 0 ? settings.rolesFor.disruptive : settings.rolesFor.default;
    let messageId: string;
    let threading: { inReplyTo?: string; references: string[] } = { references: [] };
    if (event.stage === "heads-up" && pr) {
      messageId = headsUpId(event.repository, pr.number, site, changesHash(changes), sender.domain);
      threading = { references: [threadId(event.repository, pr.number, site, sender.domain)] };
    } else if (pr) {
      messageId = appliedId(event.repository, { pullRequest: pr.number }, site, sender.domain);
      const seen = headsUpBySite?.get(site)?.changes ?? changes;
      const headsUp = headsUpId(event.repository, pr.number, site, changesHash(seen), sender.domain);
      threading = {
        inReplyTo: headsUp,
        references: [threadId(event.repository, pr.number, site, sender.domain), headsUp],
      };
    } else {
      messageId = appliedId(
        event.repository,
        { commit: event.commit ?? input.report.head },
        site,
        sender.domain,
      );
    }
    // A pull request's applied mail names no commit: the merge commit is unknown while the PR
    // comment previews the mail, and the preview must show exactly the text that will be sent.
    const commit = event.commit ?? input.report.head;
    const group: GroupInput = {
      ...(pr ? { pullRequest: pr } : {}),
      ...(event.stage === "applied" && !pr && commit !== "worktree" ? { commit } : {}),
      ...(event.author ? { author: event.author } : {}),
      tickets: event.tickets,
      changes,
    };
    const notice =
      event.stage === "heads-up" && pr
        ? {
            hours: input.notice.hours,
            ...(disruptive.length > 0
              ? {
                  effectiveFrom: utcText(new Date(Date.parse(pr.createdAt) + input.notice.hours * 3_600_000)),
                }
              : {}),
            disruptive,
            urgent: pr.labels.includes(input.notice.urgentLabel),
            urgentLabel: input.notice.urgentLabel,
          }
        : undefined;
    const mail = composeMail({
      stage: event.stage,
      route,
      entry,
      repository: event.repository,
      settings,
      sender,
      roles,
      messageId,
      ...threading,
      subject: subjectLine(
        site,
        changes.length,
        event.tickets.map((t) => t.id),
      ),
      groups: [group],
      ...(notice ? { notice } : {}),
      templates: input.templates,
      changes,
      disruptive,
    });
    warnings.push(...mail.warnings);
    if (mail.mail) mails.push(mail.mail);
    else skipped.push({ site, reason: mail.reason });
  }
  return { mails, skipped, warnings };
}

export interface Sender {
  box: { name?: string; address: string };
  domain: string;
}

export function senderOf(settings: NotificationSettings, warnings: string[]): Sender {
  const parsed = parseMailbox(settings.from);
  if (!parsed) {
    warnings.push(
      `siteops.config.yaml: notifications.from ${JSON.stringify(settings.from)} is not \`Name <address>\` or \`address\`; using noreply@siteops.invalid. Fix notifications.from.`,
    );
  }
  const box = parsed ?? { name: "siteops", address: "noreply@siteops.invalid" };
  return { box, domain: domainOf(box.address) };
}

export interface ComposeInput {
  stage: MailStage;
  route: MailRoute;
  entry: SiteDirectoryEntry;
  repository: string;
  settings: NotificationSettings;
  sender: Sender;
  roles: readonly string[];
  messageId: string;
  inReplyTo?: string;
  references: string[];
  subject: string;
  groups: GroupInput[];
  notice?: MailContext["notice"];
  since?: string;
  templates: MailTemplates;
  changes: ObjectChange[];
  disruptive: string[];
  digestEntries?: string[];
}

/** Recipients, headers and both parts of one site's mail. */
export function composeMail(
  input: ComposeInput,
): { mail: PlannedMail; warnings: string[] } | { mail?: undefined; reason: string; warnings: string[] } {
  const { entry, settings } = input;
  const recipients = pickRecipients(entry, {
    roles: input.roles,
    ccSupportList: settings.ccCloudSupportList,
    maxRecipients: settings.maxRecipients,
  });
  if (recipients.to.length === 0) {
    return {
      reason: `no contact of ${entry.site} has a role in [${input.roles.join(", ")}] and its cloud has no usable support list`,
      warnings: recipients.warnings,
    };
  }
  const replyTo =
    settings.replyTo === REPLY_TO_CLOUD_SUPPORT_LIST
      ? entry.supportList !== undefined
        ? mailbox(entry.supportList)
        : undefined
      : parseMailbox(settings.replyTo);
  const subject = headerText(input.subject, 250);
  const groups = input.groups.map(changeGroup);
  const context: MailContext = {
    stage: input.stage,
    headsUp: input.stage === "heads-up",
    applied: input.stage === "applied",
    digest: input.stage === "digest",
    site: entry.site,
    cloud: entry.cloud,
    repository: input.repository,
    siteFile: `sites/${entry.cloud}/${entry.site}/site.yaml`,
    subject,
    count: input.changes.length,
    main: groups[0] ?? { tickets: [], changes: [] },
    groups,
    roles: input.roles.join(", "),
    ...(input.notice ? { notice: input.notice } : {}),
    ...(replyTo ? { replyTo: replyTo.address } : {}),
    ...(input.since ? { since: input.since } : {}),
  };
  const parts = renderMailParts(input.templates, context);
  const headers: Record<string, string> = {
    "Auto-Submitted": "auto-generated",
    "X-Auto-Response-Suppress": "All",
    "X-Siteops-Stage": input.stage,
    "X-Siteops-Site": headerText(entry.site, 80),
  };
  const pr = input.groups.length === 1 ? input.groups[0]?.pullRequest : undefined;
  if (pr) headers["X-Siteops-Pull-Request"] = String(pr.number);
  const mail: PlannedMail = {
    messageId: input.messageId,
    stage: input.stage,
    route: input.route,
    site: entry.site,
    cloud: entry.cloud,
    from: input.sender.box,
    to: recipients.to,
    cc: recipients.cc,
    ...(replyTo ? { replyTo } : {}),
    subject,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    references: input.references,
    listId: settings.listId,
    headers,
    text: parts.text,
    html: parts.html,
    changes: input.changes,
    disruptive: input.disruptive,
    dropped: recipients.dropped,
    ...(input.digestEntries ? { digestEntries: input.digestEntries } : {}),
  };
  return { mail, warnings: recipients.warnings };
}

function groupBySite(
  changes: readonly ObjectChange[],
  skipped: SkippedSite[],
): Map<string, { ref: SiteRef; changes: ObjectChange[] }> {
  const out = new Map<string, { ref: SiteRef; changes: ObjectChange[] }>();
  for (const change of changes) {
    const sites = sitesOfChange(change);
    if (sites.length === 0) {
      skipped.push({
        site: `cloud ${change.cloud}`,
        reason: `${change.kind} ${change.name} is a cloud-level change; cloud changes are reviewed by the cloud owners and mailed to no site`,
      });
    }
    for (const ref of sites) {
      const group = out.get(ref.site) ?? { ref, changes: [] };
      group.changes.push(change);
      out.set(ref.site, group);
    }
  }
  return out;
}
