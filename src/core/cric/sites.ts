import { byCodePoint, isObject, type Json, type Note } from "./model.js";
import { hasAllowedType, type SchemaWalker } from "./schema-walk.js";

/** A field whose owner in `cric.unmanaged_fields` is the site lives in site.yaml, not in queue files. */
export function isSiteOwner(owner: string): boolean {
  return /^the site\b/i.test(owner);
}

const TIER_LEVEL: Record<string, number> = { T0: 0, T1: 1, T2: 2, T2D: 2, T3: 3 };

/** Fields site.yaml keeps that neither CRIC's queues nor its site records describe. */
const KEPT_FROM_FILE = ["country_code", "datapolicies", "state", "contacts", "owners"];

export interface SiteInput {
  name: string;
  cloud: string;
  /** The site's imported queues, by name, sorted. */
  queues: ReadonlyMap<string, Json>;
  /** Site-level queue fields (rc_site, tier, ...): owner "the site" in cric.unmanaged_fields. */
  siteFields: readonly string[];
  /** The `--sites` record of this site, when given. */
  record: Json | undefined;
  /** The site.yaml already in the tree, when there is one (its contacts and owners are kept). */
  existing: Json | undefined;
  defaults: Record<string, number>;
  endpoints: ReadonlyMap<string, Json> | undefined;
  schema: Json;
  walker: SchemaWalker;
}

export interface SiteResult {
  data: Json;
  notes: Note[];
  /** Why the site cannot be written (no tier at all); empty when it can. */
  missing: string[];
}

/**
 * Builds a site.yaml from what CRIC says about the site (its `--sites` record, else the values
 * its queues repeat), keeping what only the repository knows (contacts, owners, ...) from an
 * existing site.yaml, and placeholders a person must replace for a new site.
 */
export function buildSite(input: SiteInput): SiteResult {
  const notes: Note[] = [];
  const properties = isObject(input.schema.properties) ? input.schema.properties : {};
  const fits = (field: string, value: unknown) =>
    isObject(properties[field]) && hasAllowedType(value, input.walker.resolve(properties[field]));
  const existing = input.existing ?? {};
  const data: Json = { name: input.name, cloud: input.cloud };
  for (const field of input.siteFields) {
    const values = new Map<string, string[]>();
    for (const [queue, q] of input.queues) {
      const v = q[field];
      if (v === undefined || v === null || v === "") continue;
      const key = JSON.stringify(v);
      values.set(key, [...(values.get(key) ?? []), queue]);
    }
    const [first] = values;
    if (!first || !(field in properties)) continue;
    if (values.size > 1) {
      notes.push({
        kind: "site-level",
        field,
        message: `the queues disagree (${[...values].map(([v, qs]) => `${qs.join(", ")}: ${v}`).join("; ")}); site.yaml takes ${first[0]}. Fix the others in CRIC.`,
      });
    }
    const value = JSON.parse(first[0]) as unknown;
    if (fits(field, value)) data[field] = value;
  }
  for (const [field, value] of Object.entries(input.record ?? {})) {
    if (field === "name" || field === "cloud") {
      if (field === "cloud" && value !== input.cloud)
        notes.push({
          kind: "site-level",
          field,
          message: `the site record says cloud ${JSON.stringify(value)} but its queues are in ${input.cloud}; site.yaml follows the queues. Fix the site's cloud in CRIC.`,
        });
      continue;
    }
    if (value !== null && value !== "" && fits(field, value) && !isStructured(field)) data[field] = value;
  }
  const dropped = Object.keys(input.record ?? {}).filter(
    (f) => f !== "name" && f !== "cloud" && f !== "email" && data[f] === undefined,
  );
  if (dropped.length)
    notes.push({
      kind: "unknown",
      field: "(site record)",
      message: `fields of the site record not kept in site.yaml: ${dropped.sort(byCodePoint).join(", ")}.`,
    });
  for (const field of ["rc_site", "rc", "gocname", "country", "region", "tier", "tier_level"]) {
    if (data[field] === undefined && existing[field] !== undefined) data[field] = existing[field];
  }
  // gocname is kept only where it differs from rc_site; export writes rc_site otherwise.
  if (data.gocname !== undefined && data.gocname === data.rc_site) delete data.gocname;
  const missing = completeTier(data, notes);
  if (data.rc_site === undefined) {
    data.rc_site = input.name;
    notes.push({
      kind: "placeholder",
      field: "rc_site",
      message: `not in the dump: set to the site name ${input.name}. Set the site's GOCDB/OIM resource centre.`,
    });
  }
  for (const field of KEPT_FROM_FILE) {
    if (data[field] === undefined && existing[field] !== undefined) data[field] = existing[field];
  }
  if (data.state === undefined) {
    const fromQueues = [...input.queues.values()]
      .map((q) => q.site_state)
      .find((s) => s === "ACTIVE" || s === "DISABLED");
    data.state = fromQueues ?? "ACTIVE";
  }
  const defaults = {
    ...(isObject(existing.queue_defaults) ? existing.queue_defaults : {}),
    ...input.defaults,
  };
  if (Object.keys(defaults).length > 0) data.queue_defaults = defaults;
  placeholders(input, data, notes);
  const endpoints = mergeEndpoints(existing.ddmendpoints, input.endpoints);
  if (endpoints.length > 0) data.ddmendpoints = endpoints;
  return { data, notes, missing };
}

function isStructured(field: string): boolean {
  return field === "contacts" || field === "owners" || field === "queue_defaults" || field === "ddmendpoints";
}

/** tier and tier_level each follow from the other; a site without either cannot be placed. */
function completeTier(data: Json, notes: Note[]): string[] {
  if (typeof data.tier === "string" && data.tier_level === undefined && TIER_LEVEL[data.tier] !== undefined) {
    data.tier_level = TIER_LEVEL[data.tier];
    notes.push({ kind: "derived", field: "tier_level", message: `derived from tier ${data.tier}.` });
  }
  if (data.tier === undefined && typeof data.tier_level === "number") {
    data.tier = `T${data.tier_level}`;
    notes.push({ kind: "derived", field: "tier", message: `derived from tier_level ${data.tier_level}.` });
  }
  return data.tier === undefined ? ["tier", "tier_level"] : [];
}

/** Contacts and owners are required; a new site gets its cloud squad, flagged for a person to replace. */
function placeholders(input: SiteInput, data: Json, notes: Note[]): void {
  const lc = input.cloud.toLowerCase();
  const email = input.record?.email;
  if (data.contacts === undefined && typeof email === "string") {
    const emails = [...new Set(email.split(/[\s,;]+/).filter((e) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e)))];
    if (emails.length > 0) {
      data.contacts = emails.map((e) => ({ email: e, roles: ["site-admin"] }));
      notes.push({
        kind: "derived",
        field: "contacts",
        message: `from the site record's email (${emails.join(", ")}), role site-admin. Check the roles.`,
      });
    }
  }
  if (data.contacts === undefined) {
    data.contacts = [
      { name: `${input.cloud} cloud squad`, email: `atlas-adc-cloud-${lc}@cern.ch`, roles: ["cloud-squad"] },
    ];
    notes.push({
      kind: "placeholder",
      field: "contacts",
      message: `the cloud support list atlas-adc-cloud-${lc}@cern.ch (role cloud-squad) stands in. Replace it with the site's contacts.`,
    });
  }
  if (data.owners === undefined) {
    data.owners = [`@atlas-siteops/cloud-${lc}`];
    notes.push({
      kind: "placeholder",
      field: "owners",
      message: `@atlas-siteops/cloud-${lc} stands in. Replace it with the GitHub users or teams who approve changes to the site.`,
    });
  }
}

/** The existing endpoints in their order (updated from the dump by name), then the new ones by name. */
function mergeEndpoints(existing: unknown, planned: ReadonlyMap<string, Json> | undefined): Json[] {
  const out: Json[] = [];
  const seen = new Set<string>();
  for (const endpoint of Array.isArray(existing) ? existing : []) {
    if (!isObject(endpoint)) continue;
    const name = String(endpoint.name);
    const update = planned?.get(name);
    out.push(update ?? endpoint);
    seen.add(name);
  }
  const added = [...(planned ?? new Map<string, Json>())].filter(([name]) => !seen.has(name));
  for (const [, endpoint] of added.sort(([a], [b]) => byCodePoint(a, b))) out.push(endpoint);
  return out;
}
