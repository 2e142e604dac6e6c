import type { ObjectChange } from "../diff/model.js";
import { renderTemplate } from "../render/changelog.js";
import { buildChangelogContext, type ChangeView, type TicketLink } from "../render/context.js";
import type { MailStage, MailTemplates } from "./model.js";
import { bodyText, safeUrl } from "./sanitize.js";

/** One block of changes: the whole mail, or one pull request of a digest. */
export interface ChangeGroup {
  pullRequest?: { number: number; url?: string; title: string; author: string };
  commit?: string;
  author?: string;
  tickets: { id: string; url?: string }[];
  changes: ChangeView[];
}

/** Everything the mail templates see; plain, pre-formatted values only. */
export interface MailContext {
  stage: MailStage;
  headsUp: boolean;
  applied: boolean;
  digest: boolean;
  site: string;
  cloud: string;
  repository: string;
  siteFile: string;
  subject: string;
  count: number;
  /** The first group's facts, for the single-event mails. */
  main: ChangeGroup;
  groups: ChangeGroup[];
  roles: string;
  /** Heads-up only: when the change may take effect, and why. */
  notice?: {
    hours: number;
    effectiveFrom?: string;
    disruptive: string[];
    urgent: boolean;
    urgentLabel: string;
  };
  replyTo?: string;
  since?: string;
}

export interface GroupInput {
  pullRequest?: { number: number; url: string; title: string; author: string };
  commit?: string;
  author?: string;
  tickets: readonly TicketLink[];
  changes: readonly ObjectChange[];
}

/** Change views exactly as the changelog formats them (labels, units, relative change, impact). */
export function changeViews(changes: readonly ObjectChange[]): ChangeView[] {
  return buildChangelogContext({ base: "", head: "", changes: [...changes] }, {}).sections.flatMap(
    (s) => s.changes,
  );
}

export function changeGroup(input: GroupInput): ChangeGroup {
  const pr = input.pullRequest;
  const prUrl = safeUrl(pr?.url);
  return {
    ...(pr
      ? {
          pullRequest: {
            number: pr.number,
            title: pr.title,
            author: pr.author,
            ...(prUrl ? { url: prUrl } : {}),
          },
        }
      : {}),
    ...(input.commit ? { commit: input.commit.slice(0, 12) } : {}),
    ...(input.author ? { author: input.author } : {}),
    tickets: input.tickets.map((t) => {
      const url = safeUrl(t.url);
      return { id: t.id, ...(url ? { url } : {}) };
    }),
    changes: changeViews(input.changes),
  };
}

/** `[siteops] AGLT2: 2 changes (GGUS:123456)`; the caller sanitizes it as a header. */
export function subjectLine(site: string, count: number, tickets: readonly string[], note?: string): string {
  const shown = tickets.length > 3 ? [...tickets.slice(0, 3), "…"] : tickets;
  const tail = [shown.join(", "), note].filter((s) => s).join("; ");
  return `[siteops] ${site}: ${count} change${count === 1 ? "" : "s"}${tail ? ` (${tail})` : ""}`;
}

/** `2026-11-29 12:00 UTC`: unambiguous for readers in every time zone. */
export function utcText(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Renders both parts. HTML escapes every value (renderTemplate's html environment). */
export function renderMailParts(
  templates: MailTemplates,
  context: MailContext,
): { text: string; html: string } {
  return {
    text: bodyText(renderTemplate("text", templates.text, context)).replace(/\n{3,}/g, "\n\n"),
    html: renderTemplate("html", templates.html, context),
  };
}
