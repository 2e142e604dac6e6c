import type { PlannedMail } from "./model.js";
import type { MailEncoder, OutgoingMessage } from "./ports.js";

/** The SMTP envelope of a planned mail: every To and Cc address, each once (no Bcc ever). */
export function envelopeOf(mail: PlannedMail): { from: string; to: string[] } {
  const seen = new Set<string>();
  const to: string[] = [];
  for (const box of [...mail.to, ...mail.cc]) {
    if (seen.has(box.address.toLowerCase())) continue;
    seen.add(box.address.toLowerCase());
    to.push(box.address);
  }
  return { from: mail.from.address, to };
}

/** A planned mail as bytes on their way out, keyed in the ledger by its Message-ID. */
export async function toOutgoing(
  encoder: MailEncoder,
  mail: PlannedMail,
  date: Date,
): Promise<OutgoingMessage> {
  return {
    key: mail.messageId,
    messageId: mail.messageId,
    envelope: envelopeOf(mail),
    raw: await encoder.encode(mail, date),
  };
}
