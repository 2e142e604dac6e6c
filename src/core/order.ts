/**
 * The order of names in reports, changelogs and bot PRs: without regard to case first, then by code
 * unit. Unlike `localeCompare` it is the same on every machine whatever its locale, and it does not
 * load ICU's collator.
 */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : 1;
}
