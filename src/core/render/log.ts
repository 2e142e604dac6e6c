import type { ObjectChange } from "../diff/model.js";
import { formatValue, relativeChange } from "./values.js";

export interface LogView {
  sha: string;
  date: string;
  author: string;
  email: string;
  subject: string;
  tickets: { id: string; url: string }[];
  changes: ObjectChange[];
}

function describeChange(change: ObjectChange): string[] {
  const lines = [
    `${change.kind} ${change.name} ${change.action}${change.previousFile ? ` (from ${change.previousFile})` : ""}`,
  ];
  if (change.action === "added" || change.action === "removed") return lines;
  for (const field of change.fields) {
    const label = field.label ? `${field.label} (${field.path})` : field.path;
    const delta = relativeChange(field);
    if (field.action === "added") lines.push(`  ${label}: added ${formatValue(field.after, field.unit)}`);
    else if (field.action === "removed")
      lines.push(`  ${label}: removed (was ${formatValue(field.before, field.unit)})`);
    else {
      lines.push(
        `  ${label}: ${formatValue(field.before, field.unit)} -> ${formatValue(field.after, field.unit)}${delta ? ` (${delta})` : ""}${field.action === "reordered" ? " (priority order)" : ""}`,
      );
    }
  }
  return lines;
}

/** Plain-text history, newest first. */
export function renderLogText(entries: readonly LogView[]): string {
  const out: string[] = [];
  for (const entry of entries) {
    const tickets = entry.tickets.length ? `  ${entry.tickets.map((t) => t.id).join(", ")}` : "  (no ticket)";
    out.push(
      `${entry.date.slice(0, 10)}  ${entry.sha.slice(0, 12)}  ${entry.author} <${entry.email}>${tickets}`,
    );
    out.push(`  ${entry.subject}`);
    for (const change of entry.changes) for (const line of describeChange(change)) out.push(`    ${line}`);
    out.push("");
  }
  return out.join("\n");
}

/** Markdown history, newest first, tickets as links. */
export function renderLogMarkdown(entries: readonly LogView[]): string {
  const out: string[] = [];
  for (const entry of entries) {
    const tickets = entry.tickets.length
      ? entry.tickets.map((t) => `[${t.id}](${t.url})`).join(", ")
      : "no ticket";
    out.push(
      `### ${entry.date.slice(0, 10)} \`${entry.sha.slice(0, 12)}\` ${entry.subject.replace(/[<>]/g, "")}`,
    );
    out.push("", `${entry.author} · ${tickets}`, "");
    for (const change of entry.changes) {
      const [head, ...rest] = describeChange(change);
      out.push(`- ${head}`);
      for (const line of rest) out.push(`  - ${line.trim()}`);
    }
    out.push("");
  }
  return out.join("\n");
}
