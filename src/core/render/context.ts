import type { DiffReport, FieldChange, Impact, ObjectChange, WordPart } from "../diff/model.js";
import { formatValue, relativeChange } from "./values.js";

export interface TicketLink {
  id: string;
  url: string;
}

/** Facts about the change that do not come from the diff itself (who, why, where). */
export interface ChangelogMeta {
  title?: string;
  tickets?: TicketLink[];
  pullRequest?: { number: number; url: string };
  author?: string;
  /** Where the complete report can be found when a rendering had to be truncated. */
  fullReport?: string;
}

export interface FieldLine {
  label: string;
  path: string;
  action: FieldChange["action"];
  before: string;
  after: string;
  delta?: string;
  words?: WordPart[];
}

export interface ChangeView {
  kind: ObjectChange["kind"];
  name: string;
  action: ObjectChange["action"];
  headline: string;
  /** For added and removed objects: the key facts in one line (their fields are listed separately). */
  facts?: string;
  file: string;
  previousFile?: string;
  fields: FieldLine[];
  impact: Impact[];
  affectedQueues: string[];
  unaffectedQueues: string[];
}

export interface SiteSection {
  site: string;
  cloud: string;
  changes: ChangeView[];
}

/** The only thing templates see: plain, pre-formatted values. */
export interface ChangelogContext {
  meta: ChangelogMeta;
  base: string;
  head: string;
  empty: boolean;
  summary: { objects: number; fields: number; sites: number; byAction: { action: string; count: number }[] };
  sections: SiteSection[];
  truncated?: { shown: number; total: number; omitted: number; fullReport?: string };
}

const ACTION_WORD: Record<ObjectChange["action"], string> = {
  added: "added",
  removed: "removed",
  modified: "changed",
  moved: "moved",
};

const KIND_WORD: Record<ObjectChange["kind"], string> = {
  cloud: "Cloud",
  site: "Site",
  queue: "Queue",
  ddmendpoint: "DDM endpoint",
};

/** Builds the template context; `limit` keeps only the first changes (for truncated renderings). */
export function buildChangelogContext(
  report: DiffReport,
  meta: ChangelogMeta,
  limit?: number,
): ChangelogContext {
  const all = report.changes;
  const shown = limit === undefined ? all : all.slice(0, limit);
  const sections = new Map<string, SiteSection>();
  for (const change of shown) {
    const site = change.site ?? `cloud ${change.cloud}`;
    const key = `${change.cloud}/${site}`;
    let section = sections.get(key);
    if (!section) {
      section = { site, cloud: change.cloud, changes: [] };
      sections.set(key, section);
    }
    section.changes.push(toView(change));
  }
  const counts = new Map<string, number>();
  for (const change of all) counts.set(change.action, (counts.get(change.action) ?? 0) + 1);
  const context: ChangelogContext = {
    meta,
    base: report.base.slice(0, 12),
    head: report.head === "worktree" ? "worktree" : report.head.slice(0, 12),
    empty: all.length === 0,
    summary: {
      objects: all.length,
      fields: all.reduce((n, c) => n + c.fields.length, 0),
      sites: new Set(all.map((c) => `${c.cloud}/${c.site ?? ""}`)).size,
      byAction: [...counts].map(([action, count]) => ({
        action: ACTION_WORD[action as ObjectChange["action"]],
        count,
      })),
    },
    sections: [...sections.values()],
  };
  if (shown.length < all.length) {
    context.truncated = {
      shown: shown.length,
      total: all.length,
      omitted: all.length - shown.length,
      ...(meta.fullReport ? { fullReport: meta.fullReport } : {}),
    };
  }
  return context;
}

/** Fields that identify an added or removed object at a glance, in this order. */
const KEY_FACTS = ["type", "corecount", "corepower", "maxrss", "maxtime", "tier", "token", "state"];

function factsOf(change: ObjectChange): string | undefined {
  if (change.action !== "added" && change.action !== "removed") return undefined;
  const byPath = new Map(change.fields.map((f) => [f.path, f]));
  const parts = KEY_FACTS.flatMap((key) => {
    const field = byPath.get(key);
    if (!field) return [];
    return [`${key} ${formatValue(field.action === "added" ? field.after : field.before, field.unit)}`];
  });
  const ces = byPath.get("queues");
  const list = ces && (ces.after ?? ces.before);
  if (Array.isArray(list)) parts.push(`${list.length} CE${list.length === 1 ? "" : "s"}`);
  return parts.length ? parts.join(", ") : undefined;
}

function toView(change: ObjectChange): ChangeView {
  const moved = change.action === "moved" && change.previousFile ? ` (from ${change.previousFile})` : "";
  const facts = factsOf(change);
  return {
    ...(facts ? { facts } : {}),
    kind: change.kind,
    name: change.name,
    action: change.action,
    headline: `${KIND_WORD[change.kind]} ${change.name} ${ACTION_WORD[change.action]}${moved}`,
    file: change.file,
    ...(change.previousFile ? { previousFile: change.previousFile } : {}),
    fields: change.fields.map(toLine),
    impact: change.impact ?? [],
    affectedQueues: change.affectedQueues ?? [],
    unaffectedQueues: change.unaffectedQueues ?? [],
  };
}

function toLine(field: FieldChange): FieldLine {
  const delta = relativeChange(field);
  return {
    label: field.label ?? field.path,
    path: field.path,
    action: field.action,
    before: field.action === "added" ? "" : formatValue(field.before, field.unit),
    after: field.action === "removed" ? "" : formatValue(field.after, field.unit),
    ...(delta ? { delta } : {}),
    ...(field.words ? { words: field.words } : {}),
  };
}
