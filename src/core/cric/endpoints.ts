import { byCodePoint, type Dump, isObject, type Json, type Note } from "./model.js";
import { hasAllowedType, type SchemaWalker } from "./schema-walk.js";

export interface EndpointInput {
  /** Imported queues by name. */
  queues: ReadonlyMap<string, Json>;
  /** Imported site names (the sites the queues belong to). */
  sites: ReadonlySet<string>;
  /** `--ddmendpoints` dump, when given. */
  dump: Dump | undefined;
  /** Endpoint names the tree already declares, with their site. */
  existing: ReadonlyMap<string, string>;
  /** Schema of one site.yaml `ddmendpoints` item. */
  schema: Json;
  walker: SchemaWalker;
}

export interface EndpointPlan {
  /** Endpoints to declare (or update) per imported site, by name. */
  bySite: Map<string, Map<string, Json>>;
  /** Names whose data is a guess from the name (no `--ddmendpoints` record). */
  derived: Set<string>;
  notes: Map<string, Note[]>;
}

/**
 * The DDM endpoints the imported sites declare: the `--ddmendpoints` records of those sites, plus,
 * for every endpoint a queue names in astorages that no site declares, an entry guessed from its
 * name (`<SITE>_<TOKEN>`), so references resolve and the tree validates.
 */
export function planEndpoints(input: EndpointInput): EndpointPlan {
  const plan: EndpointPlan = { bySite: new Map(), derived: new Set(), notes: new Map() };
  const note = (site: string, n: Note) => plan.notes.set(site, [...(plan.notes.get(site) ?? []), n]);
  const place = (site: string, endpoint: Json) => {
    const map = plan.bySite.get(site) ?? new Map<string, Json>();
    map.set(String(endpoint.name), endpoint);
    plan.bySite.set(site, map);
  };
  const records = new Map<string, Json>();
  for (const [name, record] of input.dump?.objects ?? []) {
    const site = typeof record.site === "string" ? record.site : undefined;
    if (site !== undefined && input.sites.has(site)) {
      const { endpoint, dropped } = mapRecord(name, record, input);
      place(site, endpoint);
      if (dropped.length)
        note(site, {
          kind: "unknown",
          field: `ddmendpoints[${name}]`,
          message: `fields of the ${input.dump?.source} record not kept in site.yaml: ${dropped.join(", ")}.`,
        });
    } else records.set(name, record);
  }
  const referenced = new Map<string, string>();
  for (const [queueName, queue] of input.queues) {
    if (!isObject(queue.astorages)) continue;
    for (const list of Object.values(queue.astorages)) {
      for (const name of Array.isArray(list) ? list : []) {
        if (typeof name === "string" && !referenced.has(name)) referenced.set(name, queueName);
      }
    }
  }
  const declared = new Set([...plan.bySite.values()].flatMap((m) => [...m.keys()]));
  const derivedBySite = new Map<string, string[]>();
  for (const [name, queueName] of [...referenced].sort(([a], [b]) => byCodePoint(a, b))) {
    if (declared.has(name) || input.existing.has(name)) continue;
    const queueSite = String(input.queues.get(queueName)?.atlas_site);
    const owner = ownerSite(name, input.sites) ?? queueSite;
    const record = records.get(name);
    if (record) {
      const { endpoint } = mapRecord(name, record, input);
      place(owner, endpoint);
      note(owner, {
        kind: "placeholder",
        field: `ddmendpoints[${name}]`,
        message: `declared here because queue ${queueName} uses it and its site ${String(record.site)} has no queue in the dump; move it to that site's site.yaml when the site is imported.`,
      });
      continue;
    }
    const token = tokenOf(name, owner);
    const type = guessType(token);
    place(owner, { name, token, type, is_tape: type.endsWith("TAPE"), state: "ACTIVE" });
    plan.derived.add(name);
    const elsewhere = owner === queueSite && !name.startsWith(`${owner}_`);
    const list = derivedBySite.get(owner) ?? [];
    list.push(
      `${name} (${type}${elsewhere ? `, named in ${queueName}'s astorages; no imported site matches the name` : ""})`,
    );
    derivedBySite.set(owner, list);
  }
  // One note per site: a full CRIC queue dump names thousands of endpoints.
  for (const [site, list] of derivedBySite) {
    note(site, {
      kind: "placeholder",
      field: "ddmendpoints",
      message: `${list.length} endpoint(s) derived from the queues' astorages, with token from the name, type guessed from the token and state ACTIVE: ${list.join(", ")}. Check them, or import with --ddmendpoints (the CRIC DDM endpoint dump).`,
    });
  }
  return plan;
}

/** The imported site whose `<SITE>_` prefix is the longest match of the endpoint's name. */
function ownerSite(name: string, sites: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  for (const site of sites) {
    if (name.startsWith(`${site}_`) && (best === undefined || site.length > best.length)) best = site;
  }
  return best;
}

/** The space token is the name after `<SITE>_`; tokens are upper case in CRIC. */
function tokenOf(name: string, site: string): string {
  const rest = name.startsWith(`${site}_`) ? name.slice(site.length + 1) : name.slice(name.indexOf("_") + 1);
  const token = rest.toUpperCase().replace(/[^A-Z0-9_-]/g, "-");
  return /^[A-Z0-9]/.test(token) ? token : `X${token}`;
}

const DIRECT_TYPES = new Set(["DATADISK", "SCRATCHDISK", "LOCALGROUPDISK", "LOCALGROUPTAPE", "CALIBDISK"]);

/** CRIC endpoint types follow their token for the common kinds; everything else is SPECIAL. */
export function guessType(token: string): string {
  if (DIRECT_TYPES.has(token)) return token;
  if (token.endsWith("TAPE")) return token.includes("MC") ? "MCTAPE" : "DATATAPE";
  if (token === "ES") return "OS_ES";
  return "SPECIAL";
}

/** A `--ddmendpoints` record in the site.yaml shape; fields site.yaml has no place for are listed. */
function mapRecord(name: string, record: Json, input: EndpointInput): { endpoint: Json; dropped: string[] } {
  const properties = isObject(input.schema.properties) ? input.schema.properties : {};
  const endpoint: Json = { name };
  const dropped: string[] = [];
  for (const [field, value] of Object.entries(record)) {
    if (field === "name") continue;
    const schema = isObject(properties[field]) ? input.walker.resolve(properties[field]) : undefined;
    if (schema && value !== null && hasAllowedType(value, schema)) endpoint[field] = value;
    else if (field !== "site") dropped.push(field);
  }
  const owner = typeof record.site === "string" ? record.site : "";
  if (typeof endpoint.token !== "string") endpoint.token = tokenOf(name, owner);
  if (typeof endpoint.type !== "string") endpoint.type = guessType(String(endpoint.token));
  if (typeof endpoint.state !== "string") endpoint.state = "ACTIVE";
  return { endpoint, dropped };
}
