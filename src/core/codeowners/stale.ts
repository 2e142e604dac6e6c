import { structuredPatch } from "diff";
import type { Problem } from "../model.js";
import { CODEOWNERS_FILE } from "./parse.js";

export interface Staleness {
  /** A problem when the committed file is missing or differs from the generated text. */
  problem?: Problem;
  /** A short unified diff from the committed file to the generated one (empty when up to date). */
  diff: string;
}

/** Compares the committed CODEOWNERS text (undefined when missing) with the generated text. */
export function compareCodeowners(
  committed: string | undefined,
  generated: string,
  options: { file?: string; maxDiffLines?: number } = {},
): Staleness {
  const file = options.file ?? CODEOWNERS_FILE;
  const fix = "run `npx siteops codeowners --write` and commit it";
  if (committed === undefined) {
    return {
      diff: "",
      problem: {
        code: "codeowners-missing",
        severity: "error",
        file,
        line: 1,
        column: 1,
        path: "",
        message: `\`${file}\` is missing, so GitHub requests no reviews from the cloud and site owners: ${fix}.`,
      },
    };
  }
  if (committed === generated) return { diff: "" };
  const patch = structuredPatch(`${file} (committed)`, `${file} (generated)`, committed, generated, "", "", {
    context: 1,
  });
  const lines = [`--- ${patch.oldFileName}`, `+++ ${patch.newFileName}`];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines);
  }
  const max = options.maxDiffLines ?? 40;
  const shown =
    lines.length > max ? [...lines.slice(0, max), `... (${lines.length - max} more lines)`] : lines;
  const first = patch.hunks[0];
  const changed = first
    ? first.oldStart + first.lines.findIndex((l) => l.startsWith("-") || l.startsWith("+"))
    : 1;
  return {
    diff: `${shown.join("\n")}\n`,
    problem: {
      code: "codeowners-stale",
      severity: "error",
      file,
      line: Math.max(1, changed),
      column: 1,
      path: "",
      message: `\`${file}\` is stale: ${fix} (it no longer matches the owners in the cloud.yaml and site.yaml files).`,
    },
  };
}
