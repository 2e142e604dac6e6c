import type { CommitInfo } from "../core/ports.js";

/** Readers of the output of the git commands `GitRevisionReader` runs (all with `-z`). */

export function sortedUnique(paths: readonly string[]): string[] {
  // git lists most paths in order already; checking is cheaper than sorting thousands.
  let ordered = true;
  for (let i = 1; i < paths.length && ordered; i++) ordered = paths[i - 1]! < paths[i]!;
  return ordered ? [...paths] : [...new Set(paths)].sort();
}

/**
 * `git diff --raw -z` output: the changed paths and the blob ids of each side (a side where the
 * path is absent, or is not a file, has no id).
 */
export function parseRawDiff(out: Buffer): {
  paths: string[];
  before: Map<string, string>;
  after: Map<string, string>;
} {
  const fields = out.toString("utf8").split("\0");
  const paths: string[] = [];
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [modeBefore = "", modeAfter = "", idBefore = "", idAfter = ""] = fields[i]!.slice(1).split(" ");
    const path = fields[i + 1]!;
    paths.push(path);
    if (isFileMode(modeBefore)) before.set(path, idBefore);
    if (isFileMode(modeAfter)) after.set(path, idAfter);
  }
  return { paths, before, after };
}

/** Regular files, executables and symbolic links are blobs; `000000` (absent) and submodules are not. */
function isFileMode(mode: string): boolean {
  return mode === "100644" || mode === "100755" || mode === "120000";
}

/** The blobs of `ls-tree -z` output (`<mode> <type> <id>\t<path>\0` entries) by path. */
export function parseBlobIds(out: Buffer): Map<string, string> {
  const ids = new Map<string, string>();
  const text = out.toString("utf8");
  // One pass with indexOf: a large tree lists many thousands of entries.
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf("\0", at);
    if (end < 0) end = text.length;
    const tab = text.indexOf("\t", at);
    const type = text.indexOf(" ", at) + 1;
    if (type > 0 && tab > type && tab < end && text.startsWith("blob ", type)) {
      ids.set(text.slice(tab + 1, end), text.slice(type + 5, tab));
    }
    at = end + 1;
  }
  return ids;
}

export function parseLog(text: string): CommitInfo[] {
  const records = text.split("\x1e").map((record) => record.replace(/^[\0\n]+/, ""));
  return records
    .filter((record) => record !== "")
    .map((record) => {
      const [sha = "", parents = "", authorName = "", authorEmail = "", date = "", subject = "", body = ""] =
        record.split("\x1f");
      const parentList = parents === "" ? [] : parents.split(" ");
      return { sha, parents: parentList, authorName, authorEmail, date, subject, body: body.trimEnd() };
    });
}
