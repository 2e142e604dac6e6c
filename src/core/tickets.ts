import type { TicketPattern } from "./generated/config.js";
import type { TicketLink } from "./render/context.js";

export interface CompiledTicketPattern {
  system: string;
  regex: RegExp;
  id: string;
  url: string;
}

/** Compiles the configured patterns; returns the index and error of each that is not a valid regex. */
export function compileTicketPatterns(patterns: readonly TicketPattern[]): {
  compiled: CompiledTicketPattern[];
  errors: { index: number; message: string }[];
} {
  const compiled: CompiledTicketPattern[] = [];
  const errors: { index: number; message: string }[] = [];
  patterns.forEach((pattern, index) => {
    try {
      compiled.push({
        system: pattern.system,
        regex: new RegExp(pattern.regex, "g"),
        id: pattern.id,
        url: pattern.url,
      });
    } catch (error) {
      errors.push({ index, message: (error as Error).message });
    }
  });
  return { compiled, errors };
}

/** Every distinct ticket referenced in a text (PR title, body, commit message), in order of appearance. */
export function extractTickets(
  text: string,
  patterns: readonly CompiledTicketPattern[],
): (TicketLink & { system: string })[] {
  const found: { at: number; link: TicketLink & { system: string } }[] = [];
  for (const pattern of patterns) {
    for (const match of text.matchAll(new RegExp(pattern.regex.source, "g"))) {
      const number = match[1] ?? match[0];
      found.push({
        at: match.index ?? 0,
        link: {
          system: pattern.system,
          id: pattern.id.replace("$1", number),
          url: pattern.url.replace("$1", encodeURIComponent(number)),
        },
      });
    }
  }
  const unique = new Map<string, TicketLink & { system: string }>();
  for (const { link } of found.sort((a, b) => a.at - b.at))
    if (!unique.has(link.id)) unique.set(link.id, link);
  return [...unique.values()];
}
