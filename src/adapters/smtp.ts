import { createTransport } from "nodemailer";
import { OperationalError } from "../core/errors.js";
import type {
  DeliveryOutcome,
  MailTransport,
  OutgoingMessage,
  RecipientFailure,
} from "../core/mail/ports.js";

export interface SmtpSettings {
  /** `smtp://host[:port]` (STARTTLS whenever the server offers it), `smtps://host[:port]` (TLS from the start). */
  url: string;
  user?: string;
  password?: string;
  /** Connection, greeting and socket timeouts in ms (defaults 15 s, 15 s, 60 s). */
  timeouts?: { connection?: number; greeting?: number; socket?: number };
  /** Extra TLS options, e.g. a private CA. Certificates are always verified unless a test says otherwise. */
  tls?: { ca?: string; rejectUnauthorized?: boolean };
}

/** The host, port and TLS mode of an SMTP URL; refuses credentials in it (they would end up in logs). */
export function parseSmtpUrl(url: string): {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
} {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OperationalError(
      `--smtp: \`${url}\` is not a URL. Give smtp://HOST[:PORT] or smtps://HOST[:PORT].`,
    );
  }
  if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:") {
    throw new OperationalError(
      `--smtp: the scheme \`${parsed.protocol}\` is not supported. Use smtp:// (STARTTLS when offered) or smtps:// (TLS).`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new OperationalError(
      "--smtp: the URL carries credentials, which would show in logs and process lists. Remove them and set SITEOPS_SMTP_USER and SITEOPS_SMTP_PASSWORD instead.",
    );
  }
  const secure = parsed.protocol === "smtps:";
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new OperationalError(`--smtp: \`${url}\` names no host. Give smtp://HOST[:PORT].`);
  const requireTLS = parsed.searchParams.get("starttls") === "required";
  return { host, port: parsed.port ? Number(parsed.port) : secure ? 465 : 587, secure, requireTLS };
}

/**
 * Delivery over SMTP with nodemailer. Each message is sent as its prepared bytes (`raw`) with an
 * explicit envelope, so what the server gets is byte for byte what the outbox would keep.
 */
export class SmtpTransport implements MailTransport {
  private readonly transporter: ReturnType<typeof createTransport>;

  constructor(settings: SmtpSettings) {
    const { host, port, secure, requireTLS } = parseSmtpUrl(settings.url);
    const t = settings.timeouts ?? {};
    this.transporter = createTransport({
      host,
      port,
      secure,
      // Plain smtp:// still upgrades with STARTTLS whenever the server offers it (nodemailer's
      // default); `?starttls=required` refuses a server that does not.
      requireTLS,
      ...(settings.user !== undefined
        ? { auth: { user: settings.user, pass: settings.password ?? "" } }
        : {}),
      connectionTimeout: t.connection ?? 15_000,
      greetingTimeout: t.greeting ?? 15_000,
      socketTimeout: t.socket ?? 60_000,
      tls: { minVersion: "TLSv1.2", ...settings.tls },
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    try {
      const info = await this.transporter.sendMail({
        envelope: message.envelope,
        raw: Buffer.from(message.raw),
      });
      const failures = recipientFailures(info.rejectedErrors, info.rejected);
      return { status: "sent", accepted: [...(info.accepted ?? [])].map(String), ...failures };
    } catch (error) {
      return classify(error as SmtpError);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

interface SmtpError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  permanent?: boolean;
  recipient?: string;
  rejected?: string[];
  rejectedErrors?: SmtpError[];
}

/** Configuration problems that no retry can fix; the run stops and keeps the rest in the outbox. */
const FATAL = new Set(["EAUTH", "ENOAUTH", "ETLS", "EREQUIRETLS", "ECONFIG", "EOAUTH2"]);

function classify(error: SmtpError): DeliveryOutcome {
  const reason = describe(error);
  if (error.code && FATAL.has(error.code)) return { status: "fatal", reason: fatalAdvice(error, reason) };
  if (error.rejectedErrors?.length) {
    const { rejected, deferred } = recipientFailures(error.rejectedErrors, error.rejected);
    if (deferred.length === 0) return { status: "permanent-failure", reason, rejected };
    return { status: "temporary-failure", reason, rejected };
  }
  // Refused for good, but not for a recipient (the sender at MAIL FROM, the content at DATA).
  if (error.permanent === true) return { status: "permanent-failure", reason, rejected: [] };
  // Connection refused or dropped, timeouts, 4xx replies, and anything unknown: try again later.
  return { status: "temporary-failure", reason, rejected: [] };
}

function recipientFailures(
  errors: readonly SmtpError[] | undefined,
  rejected: readonly unknown[] | undefined,
): { rejected: RecipientFailure[]; deferred: RecipientFailure[] } {
  const out = { rejected: [] as RecipientFailure[], deferred: [] as RecipientFailure[] };
  const described = new Set<string>();
  for (const err of errors ?? []) {
    const address = String(err.recipient ?? "");
    described.add(address);
    const failure = { address, reason: (err.response ?? err.message).trim() };
    if (err.permanent === false || (err.responseCode !== undefined && err.responseCode < 500))
      out.deferred.push(failure);
    else out.rejected.push(failure);
  }
  for (const address of rejected ?? []) {
    if (!described.has(String(address)))
      out.rejected.push({ address: String(address), reason: "rejected by the server" });
  }
  return out;
}

function describe(error: SmtpError): string {
  const code = error.code ? `${error.code}: ` : "";
  return `${code}${(error.response ?? error.message).replace(/\s+/g, " ").trim()}`;
}

function fatalAdvice(error: SmtpError, reason: string): string {
  if (error.code === "EAUTH" || error.code === "ENOAUTH") {
    return `SMTP login failed (${reason}). Check SITEOPS_SMTP_USER and SITEOPS_SMTP_PASSWORD.`;
  }
  return `SMTP TLS or configuration failure (${reason}). Check the --smtp URL and the server's certificate.`;
}
