/**
 * The machine-readable block of a corepower pull request (`<!-- siteops:corepower {json} -->`): what
 * the branch's commit proposes. The bot compares it with a new plan to leave an unchanged pull request
 * alone, and reads it from pull requests closed without merge to not propose those values again.
 */
import { type PinRemoval, type Proposal, valueKey } from "./model.js";

export const BLOCK_MARKER = "siteops:corepower";

export interface BlockValue {
  file: string;
  path: string;
  site: string;
  queue?: string;
  before: number;
  after: number;
  samples: number;
}

export interface BlockRemoval {
  file: string;
  path: string;
  site: string;
  queue?: string;
}

export interface PrBlock {
  v: 1;
  cloud: string;
  /** The base commit the values were read from, and the bot's commit on the branch. */
  base: string;
  commit: string;
  values: BlockValue[];
  removals: BlockRemoval[];
}

export function blockFor(
  cloud: string,
  base: string,
  commit: string,
  proposals: readonly Proposal[],
  removals: readonly PinRemoval[],
): PrBlock {
  const where = (t: Proposal["target"]) => ({
    file: t.file,
    site: t.site,
    ...(t.queue ? { queue: t.queue } : {}),
  });
  return {
    v: 1,
    cloud,
    base,
    commit,
    values: proposals.map((p) => ({
      ...where(p.target),
      path: p.target.path,
      before: p.target.before,
      after: p.after,
      samples: p.samples,
    })),
    removals: removals.map((r) => ({ ...where(r.target), path: r.path })),
  };
}

/** The block as an HTML comment; `<` and `>` are escaped so the JSON cannot end the comment. */
export function renderBlock(block: PrBlock): string {
  const json = JSON.stringify(block).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
  return `<!-- ${BLOCK_MARKER} ${json} -->`;
}

/** The block in a pull-request body, or undefined when there is none or it was edited out of shape. */
export function parseBlock(body: string): PrBlock | undefined {
  const match = /<!-- siteops:corepower (\{.*?\}) -->/s.exec(body);
  if (!match) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(match[1]!);
  } catch {
    return undefined;
  }
  const b = data as Partial<PrBlock>;
  if (b.v !== 1 || typeof b.cloud !== "string" || !Array.isArray(b.values) || !Array.isArray(b.removals))
    return undefined;
  const values = b.values.filter(
    (v): v is BlockValue =>
      typeof v?.file === "string" &&
      typeof v.path === "string" &&
      typeof v.before === "number" &&
      typeof v.after === "number",
  );
  const removals = b.removals.filter(
    (r): r is BlockRemoval => typeof r?.file === "string" && typeof r.path === "string",
  );
  return {
    v: 1,
    cloud: b.cloud,
    base: typeof b.base === "string" ? b.base : "",
    commit: typeof b.commit === "string" ? b.commit : "",
    values,
    removals,
  };
}

/** The keys of what a block proposes (values and pin removals). */
export function blockKeys(block: Pick<PrBlock, "values" | "removals">): Set<string> {
  return new Set([
    ...block.values.map((v) => valueKey(v.file, v.path, v.before, v.after)),
    ...block.removals.map((r) => valueKey(r.file, r.path, "pin", "remove")),
  ]);
}

/** The keys of a plan's proposals and removals, comparable with `blockKeys`. */
export function planKeys(proposals: readonly Proposal[], removals: readonly PinRemoval[]): Set<string> {
  return new Set([
    ...proposals.map((p) => valueKey(p.target.file, p.target.path, p.target.before, p.after)),
    ...removals.map((r) => valueKey(r.target.file, r.path, "pin", "remove")),
  ]);
}

export function sameKeys(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}
