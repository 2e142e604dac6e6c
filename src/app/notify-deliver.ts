import { OperationalError } from "../core/errors.js";
import { toOutgoing } from "../core/mail/envelope.js";
import type { DigestEntry, MailStage, PlannedMail } from "../core/mail/model.js";
import type {
  DeliveryOutcome,
  DigestQueue,
  LedgerMeta,
  MailEncoder,
  MailTransport,
  Outbox,
  OutboxMeta,
  OutgoingMessage,
  RecipientFailure,
  SentLedger,
} from "../core/mail/ports.js";

export interface RetryPolicy {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface DeliveryDeps {
  transport: MailTransport;
  encoder: MailEncoder;
  /** Absent for `--out`: the files are named by Message-ID, so a re-run rewrites them. */
  ledger?: SentLedger;
  outbox?: Outbox;
  /** Where bot changes wait for their digest; without it they are sent at once. */
  digestQueue?: DigestQueue;
  retry: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
}

export type MailStatus = "sent" | "already-sent" | "queued-digest" | "outbox" | "failed";

export interface MailResult {
  messageId: string;
  site: string;
  stage: MailStage;
  status: MailStatus;
  accepted: string[];
  /** Recipients the server refused for good (5xx): reported, never retried. */
  rejected: RecipientFailure[];
  /** Outbox entry holding what is still to be delivered. */
  outbox?: string;
  error?: string;
}

export interface DeliveryReport {
  results: MailResult[];
  /** Set when delivery stopped because retrying cannot help (credentials, TLS). */
  fatal?: string;
}

/** What an event knows that the ledger and the digest queue keep with each mail. */
export interface EventFacts {
  repository: string;
  pullRequest?: { number: number; url: string; title: string; author: string };
  commit?: string;
  author?: string;
  tickets: DigestEntry["tickets"];
}

/**
 * Delivers planned mails: skips what the ledger has, queues bot changes for the digest, sends
 * the rest with retries, records each accepted mail in the ledger right away, and keeps what
 * could not be delivered in the outbox.
 */
export async function deliverMails(
  mails: readonly PlannedMail[],
  facts: EventFacts,
  deps: DeliveryDeps,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { results: [] };
  for (const mail of mails) {
    const base = {
      messageId: mail.messageId,
      site: mail.site,
      stage: mail.stage,
      accepted: [],
      rejected: [],
    };
    if (deps.ledger && (await deps.ledger.has(mail.messageId))) {
      report.results.push({ ...base, status: "already-sent" });
      continue;
    }
    if (mail.route === "digest" && deps.digestQueue && deps.ledger) {
      await deps.digestQueue.append(digestEntry(mail, facts, deps.now()));
      await deps.ledger.record(mail.messageId, {
        ...ledgerFacts(mail.stage, mail.site, facts, deps),
        via: "digest-queue",
      });
      report.results.push({ ...base, status: "queued-digest" });
      continue;
    }
    const message = await toOutgoing(deps.encoder, mail, deps.now());
    const meta = outboxMeta(mail.stage, mail.site, facts, deps);
    if (report.fatal) {
      report.results.push({
        ...base,
        ...(await keep(
          message,
          message.envelope.to,
          { ...meta, lastError: report.fatal },
          deps,
          report.fatal,
        )),
      });
      continue;
    }
    const result = await deliverOne(message, meta, deps, "smtp");
    if (result.fatal) report.fatal = result.fatal;
    report.results.push({ ...base, ...result.result });
  }
  return report;
}

/** `--resend`: delivers the outbox, removing each entry only once its mail was accepted. */
export async function resendOutbox(deps: DeliveryDeps & { outbox: Outbox }): Promise<DeliveryReport> {
  const report: DeliveryReport = { results: [] };
  for (const entry of await deps.outbox.list()) {
    const base = {
      messageId: entry.message.messageId,
      site: entry.meta.site,
      stage: entry.meta.stage,
      accepted: [],
      rejected: [],
    };
    if (deps.ledger && (await deps.ledger.has(entry.message.key))) {
      await deps.outbox.remove(entry.id);
      report.results.push({ ...base, status: "already-sent" });
      continue;
    }
    if (report.fatal) {
      report.results.push({ ...base, status: "outbox", outbox: entry.id, error: report.fatal });
      continue;
    }
    const result = await deliverOne(entry.message, entry.meta, deps, "resend");
    if (result.fatal) report.fatal = result.fatal;
    // A failure rewrote the same entry; a success or a remainder under a new name retires the old one.
    if (result.result.status === "sent" || (result.result.outbox && result.result.outbox !== entry.id)) {
      await deps.outbox.remove(entry.id);
    }
    report.results.push({ ...base, ...result.result });
  }
  return report;
}

type Delivered = { result: Omit<MailResult, "messageId" | "site" | "stage">; fatal?: string };

async function deliverOne(
  message: OutgoingMessage,
  meta: OutboxMeta,
  deps: DeliveryDeps,
  via: LedgerMeta["via"],
): Promise<Delivered> {
  const outcome = await sendWithRetry(message, deps);
  if (outcome.status === "sent") {
    const ledgerMeta: LedgerMeta = {
      stage: meta.stage,
      site: meta.site,
      at: deps.now().toISOString(),
      via,
      ...(meta.pullRequest !== undefined ? { pullRequest: meta.pullRequest } : {}),
      ...(meta.commit ? { commit: meta.commit } : {}),
      accepted: outcome.accepted,
      rejected: outcome.rejected,
    };
    try {
      await deps.ledger?.record(message.key, ledgerMeta);
    } catch (error) {
      throw new OperationalError(
        `${message.messageId}: was sent, but recording it in the ledger failed (${(error as Error).message}). Record it before the next run, or its recipients get it twice.`,
      );
    }
    const result: Delivered["result"] = {
      status: "sent",
      accepted: outcome.accepted,
      rejected: outcome.rejected,
    };
    if (outcome.deferred.length > 0) {
      const why = outcome.deferred.map((d) => `${d.address}: ${d.reason}`).join("; ");
      const kept = await keep(
        message,
        outcome.deferred.map((d) => d.address),
        { ...meta, lastError: why },
        deps,
        why,
      );
      if (kept.outbox) result.outbox = kept.outbox;
      result.error = `deferred by the server: ${why}`;
    }
    return { result };
  }
  if (outcome.status === "permanent-failure") {
    return { result: { status: "failed", accepted: [], rejected: outcome.rejected, error: outcome.reason } };
  }
  const refused = new Set(
    outcome.status === "temporary-failure" ? outcome.rejected.map((r) => r.address) : [],
  );
  const remaining = message.envelope.to.filter((a) => !refused.has(a));
  const rejected = outcome.status === "temporary-failure" ? outcome.rejected : [];
  if (remaining.length === 0)
    return { result: { status: "failed", accepted: [], rejected, error: outcome.reason } };
  const kept = await keep(message, remaining, { ...meta, lastError: outcome.reason }, deps, outcome.reason);
  return { result: { ...kept, rejected }, ...(outcome.status === "fatal" ? { fatal: outcome.reason } : {}) };
}

async function sendWithRetry(message: OutgoingMessage, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const { attempts, initialDelayMs, maxDelayMs } = deps.retry;
  const refused: RecipientFailure[] = [];
  let current = message;
  let last: DeliveryOutcome | undefined;
  for (let attempt = 1; attempt <= Math.max(1, attempts); attempt++) {
    last = await deps.transport.send(current);
    if (last.status !== "temporary-failure") break;
    refused.push(...last.rejected);
    const gone = new Set(refused.map((r) => r.address));
    const to = message.envelope.to.filter((a) => !gone.has(a));
    if (to.length === 0 || attempt >= attempts) break;
    current = { ...message, envelope: { ...message.envelope, to } };
    await deps.sleep(Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1)));
  }
  if (!last) throw new OperationalError("internal: no delivery attempt was made");
  if (last.status === "temporary-failure") return { ...last, rejected: refused };
  if (last.status === "sent" || last.status === "permanent-failure")
    return { ...last, rejected: [...refused, ...last.rejected] };
  return last;
}

/** Puts (what remains of) a message into the outbox, or reports it lost when there is none. */
async function keep(
  message: OutgoingMessage,
  to: string[],
  meta: OutboxMeta,
  deps: DeliveryDeps,
  reason: string,
): Promise<Pick<MailResult, "status" | "accepted" | "rejected" | "outbox" | "error">> {
  if (!deps.outbox) return { status: "failed", accepted: [], rejected: [], error: reason };
  const whole = to.length === message.envelope.to.length;
  const key = whole ? message.key : `${message.messageId} to ${[...to].sort().join(",")}`;
  const id = await deps.outbox.put({ ...message, key, envelope: { ...message.envelope, to } }, meta);
  return { status: "outbox", accepted: [], rejected: [], outbox: id, error: reason };
}

function outboxMeta(stage: MailStage, site: string, facts: EventFacts, deps: DeliveryDeps): OutboxMeta {
  return {
    stage,
    site,
    queuedAt: deps.now().toISOString(),
    lastError: "",
    ...(facts.pullRequest ? { pullRequest: facts.pullRequest.number } : {}),
    ...(facts.commit ? { commit: facts.commit } : {}),
  };
}

function ledgerFacts(
  stage: MailStage,
  site: string,
  facts: EventFacts,
  deps: DeliveryDeps,
): Omit<LedgerMeta, "via"> {
  return {
    stage,
    site,
    at: deps.now().toISOString(),
    ...(facts.pullRequest ? { pullRequest: facts.pullRequest.number } : {}),
    ...(facts.commit ? { commit: facts.commit } : {}),
  };
}

function digestEntry(mail: PlannedMail, facts: EventFacts, now: Date): DigestEntry {
  return {
    id: mail.messageId,
    site: mail.site,
    cloud: mail.cloud,
    repository: facts.repository,
    queuedAt: now.toISOString(),
    ...(facts.pullRequest ? { pullRequest: facts.pullRequest } : {}),
    ...(facts.commit ? { commit: facts.commit } : {}),
    ...(facts.author ? { author: facts.author } : {}),
    tickets: [...facts.tickets],
    changes: mail.changes,
  };
}
