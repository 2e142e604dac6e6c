/**
 * Pins: `corepower_pin: {value?, ticket, until?}` on a queue, or `queue_defaults.corepower_pin` on a
 * site, keeps that corepower as it is. A pin past its `until` date is proposed for removal. Pins are
 * read from the raw YAML data, so a malformed pin still pins (and is reported).
 */
import type { Pin } from "./model.js";

export const PIN_FIELD = "corepower_pin";

/** The pin in a raw `corepower_pin` value, or undefined when there is none. */
export function readPin(raw: unknown): Pin | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    return { problem: "is not a mapping of value, ticket and until" };
  }
  const data = raw as Record<string, unknown>;
  const pin: Pin = {};
  const problems: string[] = [];
  if (typeof data.value === "number" && Number.isFinite(data.value)) pin.value = data.value;
  else if (data.value !== undefined) problems.push("its value is not a number");
  if (typeof data.ticket === "string" && data.ticket.trim() !== "") pin.ticket = data.ticket.trim();
  else problems.push("it names no ticket");
  if (data.until !== undefined) {
    const until = String(data.until);
    if (isDate(until)) pin.until = until;
    else problems.push(`until ${JSON.stringify(data.until)} is not a date (YYYY-MM-DD)`);
  }
  if (problems.length > 0) pin.problem = problems.join(", ");
  return pin;
}

/** Whether a pin's `until` (its last pinned day) is before `today` (YYYY-MM-DD). */
export function isExpired(pin: Pin, today: string): boolean {
  return pin.until !== undefined && pin.until < today;
}

/** YYYY-MM-DD of a time, in UTC. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d\d-\d\d$/.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().startsWith(text);
}
