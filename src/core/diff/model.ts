/**
 * The semantic diff of two configuration trees: the JSON contract of `siteops diff --format json`
 * and the only input of every changelog template (PR comment, mail, text, HTML).
 */
export type ChangeKind = "cloud" | "site" | "queue" | "ddmendpoint";
export type ObjectAction = "added" | "removed" | "modified" | "moved";
export type FieldAction = "added" | "removed" | "changed" | "reordered";

export interface FieldChange {
  /** Dots for keys, `[identity]` for list items: `corepower`, `queues[ce503.cern.ch:9619].ce_state`. */
  path: string;
  action: FieldAction;
  before?: unknown;
  after?: unknown;
  /** Unit from the schema (`x-unit`), when the field has one. */
  unit?: string;
  /** Human label from the schema (`title`), e.g. "Maximum memory per slot". */
  label?: string;
  /** For long strings (`x-diff: words` in the schema): the word-level difference. */
  words?: WordPart[];
}

export interface WordPart {
  text: string;
  change?: "added" | "removed";
}

export interface Impact {
  /** What PanDA computes from the changed fields, e.g. "HS06 per job slot (8 cores x corepower)". */
  what: string;
  before: string;
  after: string;
  /** The queue the impact is computed for, when the change is at site level. */
  queue?: string;
  /** Set when the change moves the queue across the HIMEM boundary. */
  flag?: "himem-boundary";
}

export interface ObjectChange {
  kind: ChangeKind;
  name: string;
  cloud: string;
  /** The ATLAS site (for sites: the site itself). Absent for clouds. */
  site?: string;
  action: ObjectAction;
  /** File holding the object after the change (before it, for removals). */
  file: string;
  /** File holding the object before a move. */
  previousFile?: string;
  fields: FieldChange[];
  /** Site-level changes to inherited values: queues whose effective value changes. */
  affectedQueues?: string[];
  /** Site-level changes to inherited values: queues that set their own value and are unaffected. */
  unaffectedQueues?: string[];
  impact?: Impact[];
}

export interface DiffReport {
  /** Commit id of the base revision. */
  base: string;
  /** Commit id of the head revision, or "worktree". */
  head: string;
  changes: ObjectChange[];
}
