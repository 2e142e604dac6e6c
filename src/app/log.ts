import type { ObjectChange } from "../core/diff/model.js";
import { OperationalError } from "../core/errors.js";
import type { CommitInfo, RevisionReader, SchemaSource } from "../core/ports.js";
import { EMPTY_TREE, WORKTREE } from "../core/ports.js";
import type { TicketLink } from "../core/render/context.js";
import { extractTickets } from "../core/tickets.js";
import { diffResolved, readConfigAt } from "./diff.js";

export type ObjectSelector = { kind: "queue" | "site" | "cloud"; name: string };

export interface LogEntry {
  sha: string;
  date: string;
  author: string;
  email: string;
  subject: string;
  tickets: (TicketLink & { system: string })[];
  changes: ObjectChange[];
}

export interface LogOptions {
  reader: RevisionReader;
  schemas: SchemaSource;
  select: ObjectSelector;
  since?: string;
}

/**
 * The history of one object, newest first: every commit that changed it semantically, with its
 * author, tickets and changes. Objects are followed by name, so a move between folders stays one history.
 */
export async function objectHistory(options: LogOptions): Promise<LogEntry[]> {
  const { reader, select } = options;
  const schemas = await options.schemas.readSchemas();
  const config = await readConfigAt(reader, WORKTREE, schemas);
  const commits = await reader.log({ paths: ["sites"], ...(options.since ? { since: options.since } : {}) });
  const entries: LogEntry[] = [];
  for (const commit of commits) {
    const { report } = await diffResolved(reader, schemas, commit.parents[0] ?? EMPTY_TREE, commit.sha);
    const changes = report.changes.filter((change) => belongsTo(change, select));
    if (changes.length === 0) continue;
    entries.push(
      toEntry(commit, changes, extractTickets(`${commit.subject}\n${commit.body}`, config.tickets)),
    );
  }
  if (entries.length === 0 && !options.since) {
    throw new OperationalError(
      `no commit in the history changed ${select.kind} \`${select.name}\`. Check the name (it is case-sensitive).`,
    );
  }
  return entries;
}

function belongsTo(change: ObjectChange, select: ObjectSelector): boolean {
  if (select.kind === "queue") return change.kind === "queue" && change.name === select.name;
  if (select.kind === "site") return change.site === select.name;
  return change.cloud === select.name;
}

function toEntry(commit: CommitInfo, changes: ObjectChange[], tickets: LogEntry["tickets"]): LogEntry {
  return {
    sha: commit.sha,
    date: commit.date,
    author: commit.authorName,
    email: commit.authorEmail,
    subject: commit.subject,
    tickets,
    changes,
  };
}
