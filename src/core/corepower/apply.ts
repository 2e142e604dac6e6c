/**
 * Turning a plan into file contents, and what the policy lets the bot change on its own. Pure.
 */
import type { PolicyRule } from "../generated/config.js";
import { matchFieldGlob } from "../policy/globs.js";
import type { PinRemoval, Proposal, TargetPath } from "./model.js";
import { applyYamlEdits, planEdits } from "./yaml-edit.js";

export interface AppliedPlan {
  /** New texts of the changed files, by path. */
  files: Map<string, string>;
  proposals: Proposal[];
  removals: PinRemoval[];
  /** Files that could not be edited exactly: "where: what. how to fix." */
  failures: string[];
}

/**
 * Applies proposals and removals to the original texts; a file that cannot be edited exactly keeps
 * all its values (its proposals are dropped and reported).
 */
export function applyPlan(
  texts: ReadonlyMap<string, string>,
  proposals: readonly Proposal[],
  removals: readonly PinRemoval[],
): AppliedPlan {
  const files = new Map<string, string>();
  const failed = new Set<string>();
  const failures: string[] = [];
  for (const [file, edits] of planEdits(proposals, removals)) {
    const text = texts.get(file);
    const result =
      text === undefined
        ? { error: `${file}: was not read. This is a bug; report it.` }
        : applyYamlEdits(file, text, edits);
    if ("error" in result) {
      failed.add(file);
      failures.push(result.error);
    } else {
      files.set(file, result.text);
    }
  }
  return {
    files,
    proposals: proposals.filter((p) => !failed.has(p.target.file)),
    removals: removals.filter((r) => !failed.has(r.target.file)),
    failures,
  };
}

/** Only the files of some proposals and removals (e.g. one cloud's). */
export function filesFor(
  files: ReadonlyMap<string, string>,
  proposals: readonly Proposal[],
  removals: readonly PinRemoval[],
): Map<string, string> {
  const wanted = new Set([...proposals, ...removals].map((x) => x.target.file));
  return new Map([...files].filter(([path]) => wanted.has(path)));
}

export interface BotPolicy {
  limits: Record<TargetPath, number>;
  /** The rule that lets the bot change corepower, for messages. */
  rule: string;
}

/**
 * The largest change the bot may make on its own per field: the most any rule naming the bot (as
 * `bot` or `user`) allows, Infinity for a rule without a limit, 0 when no rule allows the field.
 * (`where` restrictions of rules are not considered here; the pull-request gate applies them.)
 */
export function botPolicy(rules: readonly PolicyRule[], login: string): BotPolicy {
  const me = login.toLowerCase();
  const mine = rules.filter((r) =>
    r.who.some((w) => w.bot?.toLowerCase() === me || w.user?.toLowerCase() === me),
  );
  const limit = (path: TargetPath): number => {
    const allowing = mine.filter((r) => r.may_change.some((glob) => matchFieldGlob(glob, path)));
    if (allowing.length === 0) return 0;
    return Math.max(
      ...allowing.map(
        (r) => r.limits?.find((l) => l.field === path)?.max_change_percent ?? Number.POSITIVE_INFINITY,
      ),
    );
  };
  return {
    limits: { corepower: limit("corepower"), "queue_defaults.corepower": limit("queue_defaults.corepower") },
    rule: mine[0]?.name ?? "(no rule names the bot)",
  };
}
