import MailComposer from "nodemailer/lib/mail-composer";
import type { MailAddress, PlannedMail } from "../core/mail/model.js";
import type { MailEncoder } from "../core/mail/ports.js";
import { headerText } from "../core/mail/sanitize.js";

/**
 * Builds the RFC 5322 bytes of a planned mail with nodemailer's MailComposer: multipart/
 * alternative with the text and HTML parts, display names and subject encoded per RFC 2047 when
 * they are not plain ASCII. The mail's values were sanitized by the core already; MailComposer
 * encodes them again, so there are two independent barriers against header injection.
 */
export class NodemailerEncoder implements MailEncoder {
  async encode(mail: PlannedMail, date: Date): Promise<Uint8Array> {
    const composer = new MailComposer({
      from: address(mail.from),
      to: mail.to.map(address),
      cc: mail.cc.map(address),
      ...(mail.replyTo ? { replyTo: address(mail.replyTo) } : {}),
      subject: mail.subject,
      messageId: mail.messageId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      ...(mail.references.length ? { references: mail.references } : {}),
      date,
      text: mail.text,
      html: mail.html,
      headers: {
        ...Object.fromEntries(Object.entries(mail.headers).map(([k, v]) => [k, headerText(v, 200)])),
        "List-Id": `siteops site notifications <${headerText(mail.listId, 200)}>`,
      },
      // Nothing in a mail may be read from a file or URL: all content is inline strings.
      disableFileAccess: true,
      disableUrlAccess: true,
      newline: "win",
    });
    return composer.compile().build();
  }
}

function address(box: MailAddress): { name: string; address: string } | string {
  return box.name ? { name: headerText(box.name, 120), address: box.address } : box.address;
}
