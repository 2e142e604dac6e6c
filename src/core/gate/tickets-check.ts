import { type CompiledTicketPattern, extractTickets } from "../tickets.js";

export interface TicketSources {
  title: string;
  body: string;
  /** Commit messages of the pull request; only their `Ticket:` trailers count. */
  commitMessages: readonly string[];
}

export interface FoundTicket {
  system: string;
  id: string;
  url: string;
}

/** `Ticket:` trailer values of a commit message (one per line, several allowed). */
export function ticketTrailers(message: string): string[] {
  return [...message.matchAll(/^Ticket:[ \t]*(.+)$/gim)].map((m) => m[1]!.trim());
}

/** Tickets referenced by a pull request: title, body, and commit trailers, each once. */
export function findTickets(
  sources: TicketSources,
  patterns: readonly CompiledTicketPattern[],
): FoundTicket[] {
  const text = [sources.title, sources.body, ...sources.commitMessages.flatMap(ticketTrailers)].join("\n");
  return extractTickets(text, patterns);
}
