import type { ResolvedConfig } from "../core/config.js";
import type { DiffReport } from "../core/diff/model.js";
import { UsageError } from "../core/errors.js";
import { findTickets } from "../core/gate/tickets-check.js";
import type {
  MailEvent,
  MailPlan,
  MailTemplates,
  NoticeSettings,
  PullRequestMeta,
} from "../core/mail/model.js";
import { planMails } from "../core/mail/plan.js";
import { type NotificationSettings, readNotificationSettings } from "../core/mail/settings.js";
import type { Problem } from "../core/model.js";
import type { PullRequestInfo, RevisionReader, SchemaSource } from "../core/ports.js";
import { diffResolved, readConfigAt } from "./diff.js";
import type { EventFacts } from "./notify-deliver.js";
import { affectedSites, loadDirectory } from "./notify-tree.js";

export interface NotifyPlanOptions {
  reader: RevisionReader;
  schemas: SchemaSource;
  base: string;
  head: string;
  stage: "heads-up" | "applied";
  /** `owner/repo`; part of every Message-ID. */
  repository: string;
  pullRequest?: PullRequestInfo;
  /** Commit messages of the change, for `Ticket:` trailers; read from git (base..head) when absent. */
  commitMessages?: readonly string[];
  templates: MailTemplates;
}

export interface NotifyPlan {
  plan: MailPlan;
  report: DiffReport;
  /** Changed files that could not be parsed; their changes are in no mail. */
  problems: Problem[];
  settings: NotificationSettings;
  facts: EventFacts;
  config: ResolvedConfig;
}

/**
 * Plans the mails of one event from the semantic diff of two revisions. Recipients come from the
 * tree: for a heads-up from the base (an open pull request cannot choose who is mailed), once
 * applied from the head, falling back to the base for removed sites.
 */
export async function planNotifications(options: NotifyPlanOptions): Promise<NotifyPlan> {
  const { reader, stage } = options;
  const pr = options.pullRequest;
  if (stage === "heads-up" && !pr) {
    throw new UsageError(
      "a heads-up needs the pull request: give --pr N (with GITHUB_TOKEN) or --event FILE.",
    );
  }
  const schemas = await options.schemas.readSchemas();
  const base = await reader.resolve(options.base);
  const head = await reader.resolve(options.head);
  const diff = await diffResolved(reader, schemas, base, head);
  // An open pull request must not choose its own recipients, sender or limits: a heads-up reads
  // the settings of the base, like its contacts. Once merged, the head is the trusted tree.
  const config = stage === "heads-up" ? await readConfigAt(reader, base, schemas) : diff.config;
  const { settings, warnings } = readNotificationSettings(config.raw, schemas.config);
  const commits = options.commitMessages
    ? undefined
    : await reader.log({ paths: ["."], from: base, to: head }).catch(() => []);
  const messages = options.commitMessages ?? (commits ?? []).map((c) => `${c.subject}\n\n${c.body}`);
  // Without a pull request the commits are the whole story: their subjects and bodies count too.
  const title = pr ? pr.title : (commits ?? []).map((c) => c.subject).join("\n");
  const body = pr ? pr.body : (commits ?? []).map((c) => c.body).join("\n");
  const tickets = findTickets({ title, body, commitMessages: messages }, config.tickets);
  const author = pr ? undefined : commits?.[0]?.authorName;
  const event: MailEvent = {
    stage,
    repository: options.repository,
    ...(pr ? { pullRequest: prMeta(pr) } : {}),
    ...(stage === "applied" ? { commit: head } : {}),
    ...(author ? { author } : {}),
    tickets: tickets.map(({ id, url }) => ({ id, url })),
  };
  const revisions = stage === "heads-up" ? [base] : [head, base];
  const directory = await loadDirectory(reader, revisions, affectedSites(diff.report), config.maxFileBytes);
  const headsUpReport =
    stage === "applied" && pr ? await pullRequestDiff(options, pr, base, head) : undefined;
  const plan = planMails({
    report: diff.report,
    event,
    directory,
    settings,
    notice: noticeOf(config),
    templates: options.templates,
    ...(headsUpReport ? { headsUpReport } : {}),
  });
  plan.warnings.unshift(...warnings);
  const facts: EventFacts = {
    repository: options.repository,
    ...(pr ? { pullRequest: { number: pr.number, url: pr.url, title: pr.title, author: pr.author } } : {}),
    ...(event.commit ? { commit: event.commit } : {}),
    ...(author ? { author } : {}),
    tickets: [...event.tickets],
  };
  return { plan, report: diff.report, problems: diff.problems, settings, facts, config };
}

export function noticeOf(config: ResolvedConfig): NoticeSettings {
  const notice = config.raw.notice;
  return {
    hours: notice?.hours ?? 48,
    reducedFields: notice?.reduced_fields ?? [],
    urgentLabel: notice?.urgent_label ?? "urgent",
  };
}

function prMeta(pr: PullRequestInfo): PullRequestMeta {
  return {
    number: pr.number,
    url: pr.url,
    title: pr.title,
    author: pr.author,
    authorIsBot: pr.authorIsBot || pr.author.endsWith("[bot]"),
    createdAt: pr.createdAt,
    labels: pr.labels,
    draft: pr.draft,
  };
}

/**
 * The pull request's own changes (its base to its head), which is what its heads-up showed; the
 * applied mail names that heads-up in In-Reply-To. Undefined when those commits are not here
 * (then the applied changes stand in, which is the same in the usual case).
 */
async function pullRequestDiff(
  options: NotifyPlanOptions,
  pr: PullRequestInfo,
  base: string,
  head: string,
): Promise<DiffReport | undefined> {
  if (pr.baseSha === base && pr.headSha === head) return undefined;
  try {
    const schemas = await options.schemas.readSchemas();
    const prBase = await options.reader.resolve(pr.baseSha);
    const prHead = await options.reader.resolve(pr.headSha);
    return (await diffResolved(options.reader, schemas, prBase, prHead)).report;
  } catch {
    return undefined;
  }
}
