import type { MailAddress, SiteDirectoryEntry } from "./model.js";
import { mailbox } from "./sanitize.js";

export interface Recipients {
  to: MailAddress[];
  cc: MailAddress[];
  /** Addresses left out because of the cap. */
  dropped: string[];
  /** Contacts whose address cannot be used ("where: what. how to fix."). */
  warnings: string[];
}

export interface RecipientRules {
  roles: readonly string[];
  ccSupportList: boolean;
  maxRecipients: number;
}

/**
 * The recipients of one site's mail, from the tree only: the site's contacts that have one of
 * the wanted roles (To, in the order site.yaml lists them) and the cloud's support list (Cc).
 * Each address appears once; past `maxRecipients`, later addresses are dropped (Cc first).
 * With no matching contact, the support list moves to To so the mail still has an addressee.
 */
export function pickRecipients(entry: SiteDirectoryEntry, rules: RecipientRules): Recipients {
  const warnings: string[] = [];
  const seen = new Set<string>();
  const file = `sites/${entry.cloud}/${entry.site}/site.yaml`;
  const to: MailAddress[] = [];
  entry.contacts.forEach((contact, index) => {
    if (!contact.roles.some((role) => rules.roles.includes(role))) return;
    const box = mailbox(contact.email, contact.name);
    if (!box) {
      warnings.push(
        `${file}: contacts[${index}].email ${JSON.stringify(contact.email)} is not a plain e-mail address; the contact gets no mail. Fix the address.`,
      );
      return;
    }
    if (seen.has(box.address.toLowerCase())) return;
    seen.add(box.address.toLowerCase());
    to.push(box);
  });
  const cc: MailAddress[] = [];
  if (rules.ccSupportList && entry.supportList !== undefined) {
    const box = mailbox(entry.supportList);
    if (!box) {
      warnings.push(
        `sites/${entry.cloud}/cloud.yaml: support_list ${JSON.stringify(entry.supportList)} is not a plain e-mail address; it gets no mail. Fix the address.`,
      );
    } else if (!seen.has(box.address.toLowerCase())) {
      seen.add(box.address.toLowerCase());
      cc.push(box);
    }
  }
  if (to.length === 0) to.push(...cc.splice(0));
  const dropped: string[] = [];
  const max = Math.max(1, rules.maxRecipients);
  while (to.length + cc.length > max) {
    const removed = cc.length > 0 ? cc.pop() : to.pop();
    if (removed) dropped.unshift(removed.address);
  }
  if (dropped.length > 0) {
    warnings.push(
      `${file}: ${entry.site} has ${to.length + cc.length + dropped.length} recipients, more than notifications.max_recipients (${max}); left out: ${dropped.join(", ")}. Trim the contacts or raise the limit in siteops.config.yaml.`,
    );
  }
  return { to, cc, dropped, warnings };
}
