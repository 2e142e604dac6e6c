import type { Problem } from "../../model.js";
import type { ConfigTree, Entry } from "../../tree/tree.js";

export interface RuleSettings {
  /** Memory per core above which a job is HIMEM, in MB. */
  himemMbPerCore: number;
  /** Queue fields a site may set once in `queue_defaults` (schema annotation `x-inheritable`). */
  inheritable: readonly string[];
}

export interface RuleContext {
  tree: ConfigTree;
  settings: RuleSettings;
  /**
   * Every queue name of the whole tree, when `tree` holds only part of it (a pull request's
   * changed files and what they refer to); suggestions are drawn from it.
   */
  queueNames?: () => readonly string[];
}

/** A cross-object check: everything JSON Schema cannot say about one file alone. */
export type Rule = (context: RuleContext) => Problem[];

/** `file:line:column` of a field, the prefix of every rule message. */
export function where(entry: Entry<unknown>, path: (string | number)[]): string {
  const pos = entry.locate(path);
  return `${entry.file}:${pos.line}:${pos.column}`;
}
