import type { MailAddress, PlannedMail } from "./model.js";

export interface PreviewOptions {
  /** Section heading; default "Site notifications". */
  heading?: string;
  /** Longest output; past it, whole sites are dropped from the end and a note says so. */
  maxLength?: number;
}

/**
 * The markdown section the pull-request comment shows: per affected site, a collapsible block
 * with the recipients, the subject and the exact text part that will be sent (for the applied
 * stage: on merge). Everything from data sits inside a code fence longer than any backtick run
 * in it, so no value can close the fence or inject markdown or HTML into the comment.
 */
export function renderMailPreviewMarkdown(
  mails: readonly PlannedMail[],
  options: PreviewOptions = {},
): string {
  const heading = `### ${options.heading ?? "Site notifications"}\n\n`;
  if (mails.length === 0) return `${heading}No site is mailed about these changes.\n`;
  const intro = `${mails.length} ${mails.length === 1 ? "site is" : "sites are"} mailed (one mail each):\n\n`;
  const blocks = mails.map(block);
  const max = options.maxLength ?? Number.POSITIVE_INFINITY;
  let out = heading + intro;
  for (const [index, text] of blocks.entries()) {
    const rest = blocks.length - index;
    const note = `> ${rest} more ${rest === 1 ? "site" : "sites"} not shown, to stay under the comment limit.\n`;
    const last = index === blocks.length - 1;
    if (out.length + text.length + (last ? 0 : note.length) > max) return out + note;
    out += text;
  }
  return out;
}

function block(mail: PlannedMail): string {
  const routeNote = mail.route === "digest" ? " (queued for the bot digest)" : "";
  const summary = `<b>${html(mail.site)}</b> (${html(mail.cloud)}): ${mail.to.length + mail.cc.length} ${mail.to.length + mail.cc.length === 1 ? "recipient" : "recipients"}${routeNote}`;
  const lines = [
    `To: ${mail.to.map(address).join(", ")}`,
    ...(mail.cc.length ? [`Cc: ${mail.cc.map(address).join(", ")}`] : []),
    ...(mail.replyTo ? [`Reply-To: ${address(mail.replyTo)}`] : []),
    `Subject: ${mail.subject}`,
    ...(mail.dropped.length ? [`(left out over the recipient limit: ${mail.dropped.join(", ")})`] : []),
    "",
    mail.text.trimEnd(),
  ].join("\n");
  const fence = "`".repeat(Math.max(3, longestBacktickRun(lines) + 1));
  return `<details><summary>${summary}</summary>\n\n${fence}text\n${lines}\n${fence}\n\n</details>\n\n`;
}

function address(box: MailAddress): string {
  return box.name ? `${box.name} <${box.address}>` : box.address;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
