import type { DiffReport } from "../core/diff/model.js";
import { parseYaml } from "../core/load/parse-yaml.js";
import { cloudFile, directoryEntry, type SiteRef, siteFile, sitesOfChange } from "../core/mail/directory.js";
import type { SiteDirectoryEntry } from "../core/mail/model.js";
import type { Revision, RevisionReader } from "../core/ports.js";

/** Every site a diff concerns, each once. */
export function affectedSites(report: DiffReport): SiteRef[] {
  const out = new Map<string, SiteRef>();
  for (const change of report.changes) for (const ref of sitesOfChange(change)) out.set(ref.site, ref);
  return [...out.values()];
}

/**
 * Contacts and support lists of the given sites, read from site.yaml and cloud.yaml at the first
 * revision that has the site (later revisions are fallbacks, e.g. the base for a removed site);
 * a site none of them has gets an entry with its cloud's support list only.
 * Only those files are read and parsed, never the whole tree.
 */
export async function loadDirectory(
  reader: RevisionReader,
  revisions: readonly Revision[],
  sites: readonly SiteRef[],
  maxFileBytes: number,
): Promise<Map<string, SiteDirectoryEntry>> {
  const out = new Map<string, SiteDirectoryEntry>();
  let missing = [...sites];
  for (const revision of revisions) {
    if (missing.length === 0) break;
    const paths = [...new Set(missing.flatMap((ref) => [siteFile(ref), cloudFile(ref.cloud)]))];
    const files = await reader.readFiles(revision, paths);
    const parse = (path: string) => {
      const bytes = files.get(path);
      // A file that does not parse gives no contacts; `siteops validate` reports why.
      return bytes ? parseYaml(path, bytes, { maxBytes: maxFileBytes }).data : undefined;
    };
    const still: SiteRef[] = [];
    for (const ref of missing) {
      const site = parse(siteFile(ref));
      if (!site) {
        still.push(ref);
        continue;
      }
      out.set(ref.site, directoryEntry(ref, site, parse(cloudFile(ref.cloud))));
    }
    missing = still;
  }
  // A site added by the change has no contacts yet in a trusted revision; its cloud's support
  // list (from the first revision) still hears about it.
  if (missing.length > 0 && revisions[0] !== undefined) {
    const files = await reader.readFiles(revisions[0], [
      ...new Set(missing.map((ref) => cloudFile(ref.cloud))),
    ]);
    for (const ref of missing) {
      const bytes = files.get(cloudFile(ref.cloud));
      const cloud = bytes
        ? parseYaml(cloudFile(ref.cloud), bytes, { maxBytes: maxFileBytes }).data
        : undefined;
      if (cloud) out.set(ref.site, directoryEntry(ref, undefined, cloud));
    }
  }
  return out;
}
