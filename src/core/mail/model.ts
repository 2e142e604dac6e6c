import type { ObjectChange } from "../diff/model.js";
import type { TicketLink } from "../render/context.js";

/** heads-up: while the pull request is open; applied: after the merge; digest: batched bot changes. */
export type MailStage = "heads-up" | "applied" | "digest";

export interface MailAddress {
  name?: string;
  address: string;
}

/** A contact of a site as site.yaml lists it. */
export interface SiteContact {
  name?: string;
  email: string;
  roles: readonly string[];
}

/** What the tree says about one site: where its mails go. */
export interface SiteDirectoryEntry {
  site: string;
  cloud: string;
  contacts: SiteContact[];
  /** The cloud's `support_list`, when its cloud.yaml names one. */
  supportList?: string;
}

/** The pull request behind an event, as far as mails need it. */
export interface PullRequestMeta {
  number: number;
  url: string;
  title: string;
  author: string;
  authorIsBot: boolean;
  /** ISO 8601; the notice period counts from here. */
  createdAt: string;
  labels: readonly string[];
  /** A draft gets no heads-up yet: it goes out once the pull request is ready for review. */
  draft?: boolean;
}

/** One notification event: a pull request opened or updated (heads-up), or a change applied. */
export interface MailEvent {
  stage: "heads-up" | "applied";
  /** `owner/repo`; part of every Message-ID so two repositories never collide. */
  repository: string;
  pullRequest?: PullRequestMeta;
  /** The commit that applied the change (applied stage), e.g. the merge commit. */
  commit?: string;
  /** Who made the change when there is no pull request (commit author). */
  author?: string;
  tickets: readonly TicketLink[];
}

export interface NoticeSettings {
  hours: number;
  reducedFields: readonly string[];
  urgentLabel: string;
}

/** Templates of the two parts (`templates/mail-text.hbs`, `templates/mail-html.hbs`). */
export interface MailTemplates {
  text: string;
  html: string;
}

/** Where a planned mail goes: out now, or into the digest queue (bot changes). */
export type MailRoute = "send" | "digest";

/** One mail, fully decided: recipients, headers and both parts. The only input of delivery. */
export interface PlannedMail {
  /** With angle brackets, as in the header: `<siteops.applied.pr42.AGLT2.0123456789abcdef@cern.ch>`. */
  messageId: string;
  stage: MailStage;
  route: MailRoute;
  site: string;
  cloud: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo?: MailAddress;
  subject: string;
  inReplyTo?: string;
  references: string[];
  /** `List-Id` value, e.g. `<site-notifications.example.org>` with its label. */
  listId: string;
  /** Further headers (Auto-Submitted, X-Auto-Response-Suppress, X-Siteops-*), sanitized. */
  headers: Record<string, string>;
  text: string;
  html: string;
  /** This site's changes, kept for the digest queue and the ledger. */
  changes: ObjectChange[];
  /** Disruptive changes of this site, one line each. */
  disruptive: string[];
  /** Addresses left out because of `max_recipients`. */
  dropped: string[];
  /** For digests: the queued entries the mail covers (removed from the queue once delivered). */
  digestEntries?: string[];
}

export interface SkippedSite {
  site: string;
  reason: string;
}

export interface MailPlan {
  mails: PlannedMail[];
  skipped: SkippedSite[];
  /** Things a person should fix ("where: what. how to fix."): invalid addresses, capped recipients. */
  warnings: string[];
}

/** A bot change waiting in the digest queue of its site. */
export interface DigestEntry {
  /** The Message-ID the change would have been mailed with; also the queue key. */
  id: string;
  site: string;
  cloud: string;
  repository: string;
  /** ISO 8601. */
  queuedAt: string;
  pullRequest?: { number: number; url: string; title: string; author: string };
  commit?: string;
  author?: string;
  tickets: TicketLink[];
  changes: ObjectChange[];
}
