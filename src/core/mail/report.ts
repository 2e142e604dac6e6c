import type { MailAddress, MailPlan, PlannedMail } from "./model.js";
import type { RecipientFailure } from "./ports.js";

/** The outcome of one mail, as `siteops notify` reports it (see app/notify-deliver.ts). */
export interface MailOutcome {
  messageId: string;
  site: string;
  stage: string;
  status: "sent" | "already-sent" | "queued-digest" | "outbox" | "failed" | "dry-run";
  accepted: string[];
  rejected: RecipientFailure[];
  outbox?: string;
  error?: string;
}

const LABEL: Record<MailOutcome["status"], string> = {
  sent: "sent",
  "already-sent": "already sent",
  "queued-digest": "digest queue",
  outbox: "outbox",
  failed: "FAILED",
  "dry-run": "would send",
};

/** Plain lines for a terminal or a workflow log. */
export function renderNotifyText(
  title: string,
  plan: MailPlan,
  outcomes: readonly MailOutcome[],
  outboxDir?: string,
): string {
  const lines = [`siteops notify: ${title}`];
  const byId = new Map(plan.mails.map((m) => [m.messageId, m]));
  for (const outcome of outcomes) {
    const mail = byId.get(outcome.messageId);
    const who = mail ? `to ${list(mail.to)}${mail.cc.length ? `; cc ${list(mail.cc)}` : ""}` : "";
    lines.push(
      `  ${LABEL[outcome.status].padEnd(12)} ${outcome.site.padEnd(16)} ${outcome.messageId} ${who}`.trimEnd(),
    );
    if (outcome.status === "outbox" && outcome.outbox) {
      lines.push(
        `               kept as ${outboxDir ? `${outboxDir}/` : ""}${outcome.outbox}.eml (${outcome.error ?? "not delivered"})`,
      );
    } else if (outcome.error && outcome.status !== "failed") {
      lines.push(`               ${outcome.error}`);
    }
  }
  for (const skipped of plan.skipped)
    lines.push(`  ${"no mail".padEnd(12)} ${skipped.site.padEnd(16)} ${skipped.reason}`);
  if (outcomes.length === 0 && plan.skipped.length === 0) lines.push("  nothing to send");
  return `${lines.join("\n")}\n`;
}

/** `where: what. how to fix.` for every recipient refused for good and every mail not delivered. */
export function failureMessages(
  plan: MailPlan,
  outcomes: readonly MailOutcome[],
  outboxDir?: string,
): string[] {
  const byId = new Map(plan.mails.map((m) => [m.messageId, m]));
  const out: string[] = [];
  for (const outcome of outcomes) {
    const mail = byId.get(outcome.messageId);
    const where = mail ? `sites/${mail.cloud}/${mail.site}/site.yaml` : outcome.site;
    for (const r of outcome.rejected) {
      out.push(
        `${where}: the mail server refused ${r.address} for good (${r.reason}); the other recipients got the mail. Fix or remove the address.`,
      );
    }
    if (outcome.status === "failed" && outcome.rejected.length === 0) {
      out.push(
        `${outcome.site}: the mail server refused ${outcome.messageId} (${outcome.error ?? "unknown reason"}). Check notifications.from and the relay's policy; the mail is not recorded as sent, so the next run tries again.`,
      );
    }
    if (outcome.status === "outbox") {
      out.push(
        `${outcome.site}: ${outcome.messageId} is not delivered yet (${outcome.error ?? "temporary failure"}); it is kept in ${outboxDir ?? "the outbox"}. Run siteops notify --resend ${outboxDir ?? "DIR"} once the server accepts mail.`,
      );
    }
  }
  return out;
}

/** The JSON of `siteops notify --format json`. */
export function notifyJson(stage: string, plan: MailPlan, outcomes: readonly MailOutcome[]): unknown {
  const byId = new Map(outcomes.map((o) => [o.messageId, o]));
  return {
    stage,
    mails: plan.mails.map((mail: PlannedMail) => ({
      messageId: mail.messageId,
      site: mail.site,
      cloud: mail.cloud,
      route: mail.route,
      to: mail.to.map((b) => b.address),
      cc: mail.cc.map((b) => b.address),
      subject: mail.subject,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      dropped: mail.dropped,
      ...(byId.get(mail.messageId) ?? {}),
    })),
    skipped: plan.skipped,
    warnings: plan.warnings,
  };
}

/** `--dry-run`: the headers that matter and the exact text part of each mail. */
export function renderDryRun(mails: readonly PlannedMail[]): string {
  const rule = "-".repeat(72);
  return mails
    .map((mail) => {
      const headers = [
        `Message-ID: ${mail.messageId}`,
        ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
        `To: ${list(mail.to)}`,
        ...(mail.cc.length ? [`Cc: ${list(mail.cc)}`] : []),
        ...(mail.replyTo ? [`Reply-To: ${mail.replyTo.address}`] : []),
        `Subject: ${mail.subject}`,
      ];
      return `\n${rule}\n${headers.join("\n")}\n\n${mail.text.trimEnd()}\n`;
    })
    .join("");
}

function list(boxes: readonly MailAddress[]): string {
  return boxes.map((b) => b.address).join(", ");
}
