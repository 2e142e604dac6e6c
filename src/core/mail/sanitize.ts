import type { MailAddress } from "./model.js";

/**
 * Header hygiene. Names, subjects and ids come from YAML, pull-request titles and config, so any
 * of them may carry CR/LF meant to start a new header ("Eve\r\nBcc: attacker@evil.example").
 * Every header value passes through here before it reaches the MIME encoder (which encodes
 * non-ASCII text but must never see a line break from data).
 */

// C0 controls (CR, LF and TAB included), DEL, C1 controls, line/paragraph separators, and the
// bidirectional overrides that can make a display name read as something else.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this regex's job.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of header text: unsafe characters become spaces, runs of spaces collapse, length capped. */
export function headerText(value: string, maxLength = 200): string {
  const clean = value.replace(UNSAFE, " ").replace(/\s+/g, " ").trim();
  return clean.length <= maxLength ? clean : `${clean.slice(0, maxLength - 1).trimEnd()}…`;
}

/** Body text: keeps line breaks and tabs, normalises CRLF, drops the other control characters. */
export function bodyText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this regex's job.
  return value.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
}

// A conservative addr-spec: dot-atom local part and a DNS domain. Quoted local parts, comments and
// address literals are legal in RFC 5322 but have no place in a contact list, and refusing them
// means no address can smuggle syntax into a header or an SMTP command.
const LOCAL = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const ADDRESS = new RegExp(`^${LOCAL}@${LABEL}(?:\\.${LABEL})+$`);

export function isSafeAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/** A mailbox from data: a safe address and a sanitized display name, or undefined. */
export function mailbox(address: string, name?: string): MailAddress | undefined {
  const trimmed = address.trim();
  if (!isSafeAddress(trimmed)) return undefined;
  const display = name === undefined ? "" : headerText(name, 120);
  return display ? { name: display, address: trimmed } : { address: trimmed };
}

/** Parses `Name <address>` or `address` (config values such as `from`). */
export function parseMailbox(value: string): MailAddress | undefined {
  const match = /^\s*(?:(.*?)\s*<([^<>]+)>|([^<>\s]+))\s*$/s.exec(value);
  if (!match) return undefined;
  const name = match[1]?.replace(/^"(.*)"$/s, "$1");
  return mailbox(match[2] ?? match[3] ?? "", name);
}

/** The domain of an address, lower-case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** One token of a Message-ID's left part: only characters that need no quoting anywhere. */
export function idToken(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "_";
}

/** Links in mails are http(s) only; anything else (`javascript:`, `data:`) is shown as text. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\/[^\s<>"]+$/i.test(url) ? url : undefined;
}
