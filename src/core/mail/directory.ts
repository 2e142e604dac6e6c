import type { ObjectChange } from "../diff/model.js";
import { classifyPath } from "../tree/layout.js";
import type { SiteContact, SiteDirectoryEntry } from "./model.js";

/** A site and cloud a change concerns. */
export interface SiteRef {
  site: string;
  cloud: string;
}

/**
 * The sites a change concerns: its own site, and for a queue moved between sites also the site it
 * left (that site loses the queue). Cloud-level changes concern no site.
 */
export function sitesOfChange(change: ObjectChange): SiteRef[] {
  const out: SiteRef[] = [];
  if (change.site !== undefined && change.kind !== "cloud")
    out.push({ site: change.site, cloud: change.cloud });
  if (change.previousFile) {
    const entry = classifyPath(change.previousFile);
    if ((entry.kind === "site" || entry.kind === "queue") && !out.some((s) => s.site === entry.site)) {
      out.push({ site: entry.site, cloud: entry.cloud });
    }
  }
  return out;
}

/**
 * A site's directory entry from the parsed site.yaml and cloud.yaml (plain YAML data, possibly
 * invalid: anything not of the expected shape is left out rather than trusted).
 */
export function directoryEntry(ref: SiteRef, siteData: unknown, cloudData: unknown): SiteDirectoryEntry {
  const contacts: SiteContact[] = [];
  const list = (siteData as { contacts?: unknown } | undefined)?.contacts;
  if (Array.isArray(list)) {
    for (const item of list) {
      const c = item as { name?: unknown; email?: unknown; roles?: unknown };
      if (typeof c?.email !== "string" || !Array.isArray(c.roles)) continue;
      const roles = c.roles.filter((r): r is string => typeof r === "string");
      contacts.push({ ...(typeof c.name === "string" ? { name: c.name } : {}), email: c.email, roles });
    }
  }
  const supportList = (cloudData as { support_list?: unknown } | undefined)?.support_list;
  return {
    site: ref.site,
    cloud: ref.cloud,
    contacts,
    ...(typeof supportList === "string" ? { supportList } : {}),
  };
}

export const siteFile = (ref: SiteRef) => `sites/${ref.cloud}/${ref.site}/site.yaml`;
export const cloudFile = (cloud: string) => `sites/${cloud}/cloud.yaml`;
