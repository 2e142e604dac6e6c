import type { DigestEntry, MailStage, PlannedMail } from "./model.js";

/**
 * The ports of site notifications. Delivery (SMTP, files), the ledger (git) and the outbox
 * (a folder) are adapters; the app only talks to these interfaces.
 */

/** A message ready for the wire: the exact bytes, and who gets them. */
export interface OutgoingMessage {
  /**
   * What the ledger records once the message is accepted: the Message-ID, or for a resend to
   * the recipients a server deferred, the Message-ID plus those recipients.
   */
  key: string;
  messageId: string;
  envelope: { from: string; to: string[] };
  /** RFC 5322 bytes, CRLF line ends. */
  raw: Uint8Array;
}

export interface RecipientFailure {
  address: string;
  /** The server's reply, e.g. `550 5.1.1 mailbox unavailable`. */
  reason: string;
}

/**
 * What one delivery attempt did. `sent` means the server accepted the message for at least one
 * recipient; the others are `rejected` (permanently, 5xx) or `deferred` (4xx, try again later).
 */
export type DeliveryOutcome =
  | { status: "sent"; accepted: string[]; rejected: RecipientFailure[]; deferred: RecipientFailure[] }
  /** Nothing delivered; try again later. `rejected`: recipients refused for good meanwhile (5xx). */
  | { status: "temporary-failure"; reason: string; rejected: RecipientFailure[] }
  | { status: "permanent-failure"; reason: string; rejected: RecipientFailure[] }
  /** Retrying cannot help until a person fixes something (credentials, TLS): stop sending. */
  | { status: "fatal"; reason: string };

export interface MailTransport {
  send(message: OutgoingMessage): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}

/** Turns a planned mail into its RFC 5322 bytes (MIME, header encoding). */
export interface MailEncoder {
  encode(mail: PlannedMail, date: Date): Promise<Uint8Array>;
}

/** What the ledger keeps about a sent mail: enough to answer "who got what, when". */
export interface LedgerMeta {
  stage: MailStage;
  site: string;
  /** ISO 8601. */
  at: string;
  via: "smtp" | "resend" | "digest-queue";
  pullRequest?: number;
  commit?: string;
  accepted?: string[];
  rejected?: RecipientFailure[];
}

/** Which messages went out already, shared by every machine that sends (see docs/notifications.md). */
export interface SentLedger {
  has(messageId: string): Promise<boolean>;
  record(messageId: string, meta: LedgerMeta): Promise<void>;
}

export interface OutboxMeta {
  stage: MailStage;
  site: string;
  /** ISO 8601. */
  queuedAt: string;
  lastError: string;
  pullRequest?: number;
  commit?: string;
}

export interface OutboxEntry {
  /** The entry's name in the outbox (file stem). */
  id: string;
  message: OutgoingMessage;
  meta: OutboxMeta;
}

/** Messages that could not be delivered yet; `siteops notify --resend` empties it. */
export interface Outbox {
  put(message: OutgoingMessage, meta: OutboxMeta): Promise<string>;
  list(): Promise<OutboxEntry[]>;
  remove(id: string): Promise<void>;
}

/** Bot changes waiting for the next digest of their site. */
export interface DigestQueue {
  /** Adds an entry; adding an entry whose id is queued already changes nothing. */
  append(entry: DigestEntry): Promise<void>;
  list(): Promise<DigestEntry[]>;
  remove(ids: readonly string[]): Promise<void>;
}
