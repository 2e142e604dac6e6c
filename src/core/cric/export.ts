import { type ConfigTree, resolveEffective, sitesByName } from "../tree/tree.js";
import { byCodePoint, isObject, type Json } from "./model.js";
import { DERIVED_FROM } from "./queue-map.js";

/** Queue fields that are siteops's own bookkeeping, not CRIC configuration: never exported. */
const SITEOPS_ONLY = ["corepower_pin"] as const;

/** Site fields CRIC repeats on every queue, as they are named on the queue. */
const SITE_FIELDS = ["rc_site", "tier", "tier_level", "country", "rc", "region"] as const;

/**
 * The tree as CRIC serves its queues: keyed by queue name, each queue with its effective values
 * (its own, else its site's queue_defaults), the site-level fields of its site, the fields CRIC
 * derives (nickname, siteid, panda_resource = name; site = panda_site; gocname and gstat =
 * gocname or rc_site) and, for each inheritable value, a `<field>_data` report in CRIC's 2026
 * shape (`scope: site` when inherited, `local` when the queue sets it). Keys are sorted at every
 * level (list order is kept: it is priority), so the same tree always gives the same bytes.
 * The tree must have validated.
 */
export function exportTree(tree: ConfigTree, inheritable: readonly string[]): Record<string, Json> {
  const sites = sitesByName(tree);
  const out: Record<string, Json> = {};
  const queues = [...tree.queues].sort((a, b) => byCodePoint(a.data.name, b.data.name));
  for (const entry of queues) {
    const queue = entry.data;
    const site = sites.get(queue.atlas_site)?.data;
    const effective = resolveEffective(queue, site, inheritable);
    const record: Json = { ...effective.values };
    for (const field of SITEOPS_ONLY) delete record[field];
    if (site) {
      for (const field of SITE_FIELDS) if (site[field] !== undefined) record[field] = site[field];
      const goc = site.gocname ?? site.rc_site;
      record.gocname = goc;
      record.gstat = goc;
    }
    for (const [field, from] of Object.entries(DERIVED_FROM)) {
      if (record[from] !== undefined) record[field] = record[from];
    }
    for (const field of inheritable) {
      if (effective.values[field] === undefined) continue;
      record[`${field}_data`] = {
        [field]: effective.values[field],
        scope: effective.sources[field] === "site" ? "site" : "local",
      };
    }
    out[queue.name] = sortKeys(record) as Json;
  }
  return out;
}

/** The export as text: 2-space JSON with a final newline. */
export function exportJson(tree: ConfigTree, inheritable: readonly string[]): string {
  return `${JSON.stringify(exportTree(tree, inheritable), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const key of Object.keys(value).sort(byCodePoint)) out[key] = sortKeys(value[key]);
  return out;
}
