import type { Problem } from "../model.js";
import { classifyPath } from "../tree/layout.js";
import { byCodePoint, type ImportPlan, type Note, type NoteKind } from "./model.js";

export type FileStatus = "new" | "changed" | "unchanged";

/** What `siteops cric import` did or would do: the `--format json` contract. */
export interface ImportReport {
  /** written: files were written; up-to-date: nothing to write; refused: nothing was written. */
  outcome: "written" | "up-to-date" | "refused";
  /** Why nothing was written: existing files would change (without --force), or the tree would not validate. */
  reason?: "conflicts" | "invalid";
  files: { file: string; status: FileStatus; notes: Note[] }[];
  /** Existing files whose content the import would change. */
  conflicts: string[];
  /** Validation errors of the files the import would write. */
  problems: Problem[];
  counts: ImportPlan["counts"];
}

export function renderImportJson(report: ImportReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Kinds listed as one line per file: they are many and routine. Others get a line per field. */
const GROUPED: Partial<Record<NoteKind, string>> = {
  unmanaged: "not kept (owned elsewhere, see cric.unmanaged_fields)",
  derived: "derived (export writes them back)",
  "site-level": "site-level (site.yaml holds them)",
};

export function renderImportText(report: ImportReport): string {
  const lines: string[] = [];
  const by = (status: FileStatus) => report.files.filter((f) => f.status === status).length;
  const c = report.counts;
  lines.push(
    `siteops cric import: ${c.queues} queue(s) at ${c.sites} site(s); files: ${by("new")} new, ${by("changed")} changed, ${by("unchanged")} unchanged.`,
  );
  for (const entry of [...report.files].sort((a, b) => order(a.file, b.file))) {
    lines.push("", `${entry.file} (${entry.status})`);
    const grouped = new Map<NoteKind, string[]>();
    for (const note of entry.notes) {
      const title = GROUPED[note.kind];
      // Only the routine notes are grouped; anything that needs a look keeps its own line.
      const plain =
        title !== undefined && /^(not kept: owned by|equals|site-level: site\.yaml holds)/.test(note.message);
      if (plain) grouped.set(note.kind, [...(grouped.get(note.kind) ?? []), note.field]);
      else lines.push(`  ${note.kind.padEnd(11)} ${note.field}: ${note.message}`);
    }
    for (const [kind, fields] of grouped)
      lines.push(`  ${kind.padEnd(11)} ${GROUPED[kind]}: ${fields.join(", ")}`);
  }
  const placeholders = report.files.flatMap((f) =>
    f.notes.filter((n) => n.kind === "placeholder").map((n) => `${f.file}: ${n.field}`),
  );
  if (placeholders.length > 0) {
    lines.push("", `Placeholders a person must replace before merging (${placeholders.length}):`);
    for (const p of placeholders) lines.push(`  ${p}`);
  }
  lines.push("", outcomeLine(report));
  return `${lines.join("\n")}\n`;
}

function outcomeLine(report: ImportReport): string {
  const changed = report.files.filter((f) => f.status !== "unchanged").length;
  if (report.outcome === "written")
    return `Wrote ${changed} file(s). Review them, run siteops validate, and open a pull request.`;
  if (report.outcome === "up-to-date") return "Nothing to write: the tree already holds this data.";
  if (report.reason === "conflicts") {
    return [
      `Nothing written: ${report.conflicts.length} existing file(s) would change:`,
      ...report.conflicts.map((f) => `  ${f}`),
      "Review the differences (siteops cric drift --live <dump>), then rerun with --force to replace them.",
    ].join("\n");
  }
  return [
    "Nothing written: the imported tree would not validate:",
    ...report.problems.map((p) => `  ${p.message}`),
    "Fix these in CRIC (or the dump), then import again.",
  ].join("\n");
}

/** Clouds, then each site file before its queues, in path order. */
function order(a: string, b: string): number {
  const key = (file: string) => {
    const entry = classifyPath(file);
    return entry.kind === "site"
      ? file.replace(/site\.yaml$/, "\u0000")
      : file.replace(/cloud\.yaml$/, "\u0000");
  };
  return byCodePoint(key(a), key(b));
}
