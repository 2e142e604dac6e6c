import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { resolveConfig } from "../../src/core/config.js";
import { PROJECT_ROOT } from "../helpers/repo.js";
import type { Json } from "./helpers.js";

/** The schemas as shipped, for tests that call the pure core directly. */
export async function loadSchemas() {
  const read = async (name: string) =>
    JSON.parse(await readFile(join(PROJECT_ROOT, "schemas", `${name}.schema.json`), "utf8")) as Json;
  return {
    queue: await read("queue"),
    site: await read("site"),
    cloud: await read("cloud"),
    config: await read("config"),
  };
}

/** cric.unmanaged_fields of the bundled siteops.config.yaml, with the schema defaults. */
export async function unmanagedFields(): Promise<Map<string, string>> {
  const schemas = await loadSchemas();
  const text = await readFile(join(PROJECT_ROOT, "siteops.config.yaml"), "utf8");
  return resolveConfig(parse(text), schemas.config).unmanaged;
}

/** Queue lists whose order carries no meaning (`x-order: set`): compared sorted. */
const SET_FIELDS = ["hc_suite"];

/** A queue record minus the fields siteops does not manage, with sets in a canonical order. */
export function managed(queue: Json, unmanaged: ReadonlyMap<string, string>): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(queue)) {
    if (unmanaged.has(key)) continue;
    out[key] = SET_FIELDS.includes(key) && Array.isArray(value) ? [...value].sort() : value;
  }
  return out;
}

/** The site-level values CRIC repeats on each queue and export writes back from site.yaml. */
export const SITE_LEVEL = ["rc_site", "tier", "tier_level", "country", "rc", "gocname", "gstat", "region"];

export function siteLevel(queue: Json): Json {
  return Object.fromEntries(SITE_LEVEL.filter((f) => queue[f] !== undefined).map((f) => [f, queue[f]]));
}
