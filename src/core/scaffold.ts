import { type Document, isMap, isScalar, isSeq, parseDocument, Scalar, type YAMLMap } from "yaml";
import type { PanDAQueue } from "./generated/queue.js";
import type { ATLASSite } from "./generated/site.js";

export interface ScaffoldQueueInput {
  name: string;
  site: ATLASSite;
  /** The queue to clone, as its YAML text (comments and key order are kept), and its data. */
  from?: { text: string; data: PanDAQueue };
  /** corepower to set on the queue (overriding the site's default), when given. */
  corepower?: number;
  /** Written into the header comment; the caller owns the clock. */
  date: string;
}

/**
 * Builds the YAML text of a new queue file. Cloning keeps the source's settings, comments and key
 * order, rewrites identity fields for the new site, and drops what cannot carry over to another site
 * (its CEs, parent and site-specific endpoints), the way operators clone queues in CRIC.
 */
export function buildQueueFile(input: ScaffoldQueueInput): string {
  return input.from ? cloneQueue(input, input.from) : freshQueue(input);
}

function cloneQueue(input: ScaffoldQueueInput, from: { text: string; data: PanDAQueue }): string {
  const doc = parseDocument(from.text);
  const source = from.data;
  const sameSite = source.atlas_site === input.site.name;
  // The source's header comment describes the source: replace it, wherever the parser attached it.
  const first = isMap(doc.contents) ? doc.contents.items[0] : undefined;
  if (first && isScalar(first.key)) first.key.commentBefore = null;
  doc.commentBefore = ` PanDA queue ${input.name}: cloned from ${source.name} on ${input.date}.`;
  doc.set("name", input.name);
  doc.set("cloud", input.site.cloud);
  doc.set("atlas_site", input.site.name);
  if (doc.has("is_default")) doc.set("is_default", false);
  if (!sameSite) {
    doc.set("panda_site", input.site.name);
    doc.delete("parent");
    retargetEndpoints(doc, source.atlas_site, input.site);
    if (doc.has("queues")) {
      doc.set("queues", doc.createNode([]));
      const node = doc.get("queues", true) as { commentBefore?: string };
      node.commentBefore = ` CEs of ${source.name} are not copied across sites: add this site's CEs.`;
    }
    if (doc.has("description")) doc.set("description", `Cloned from ${source.name}`);
  }
  if (input.corepower !== undefined) doc.set("corepower", input.corepower);
  return doc.toString({ lineWidth: 0 });
}

/** Endpoints named `<OLD_SITE>_<TOKEN>` become `<NEW_SITE>_<TOKEN>` when the new site has that token. */
function retargetEndpoints(doc: Document, oldSite: string, site: ATLASSite): void {
  const astorages = doc.get("astorages", true);
  if (!isMap(astorages)) return;
  const byToken = new Map((site.ddmendpoints ?? []).map((d) => [d.token, d.name]));
  for (const pair of astorages.items) {
    if (!isSeq(pair.value)) continue;
    const kept = pair.value.items.flatMap((item) => {
      if (!isScalar(item) || typeof item.value !== "string") return [item];
      const value = item.value;
      if (!value.startsWith(`${oldSite}_`)) return [item];
      const replacement = byToken.get(value.slice(oldSite.length + 1));
      return replacement ? [new Scalar(replacement)] : [];
    });
    pair.value.items = kept;
  }
  astorages.items = astorages.items.filter((pair) => !isSeq(pair.value) || pair.value.items.length > 0);
}

function freshQueue(input: ScaffoldQueueInput): string {
  const { site, name } = input;
  const datadisk = (site.ddmendpoints ?? []).find((d) => d.type === "DATADISK")?.name;
  const analysis = /^ANALY_/i.test(name);
  const singleCore = /SCORE/i.test(name);
  const himem = /HIMEM/i.test(name);
  const corecount = singleCore ? 1 : 8;
  const perCore = himem ? 4000 : 2000;
  const doc = parseDocument("{}");
  doc.commentBefore = ` PanDA queue ${name} at ${site.name} (${site.cloud}), created on ${input.date}.\n Field reference: schemas/queue.schema.json (units in x-unit).`;
  const map = doc.contents as YAMLMap;
  map.flow = false;
  const set = (key: string, value: unknown, comment?: string) => {
    const pair = doc.createPair(key, value);
    if (comment && isScalar(pair.key)) pair.key.commentBefore = ` ${comment}`;
    map.items.push(pair);
  };
  set("name", name);
  set("cloud", site.cloud);
  set("atlas_site", site.name);
  set("panda_site", site.name);
  set("state", "ACTIVE");
  set("type", analysis ? "analysis" : "production");
  set("capability", singleCore ? "score" : "ucore");
  set("workflow", "pull_ups");
  set("resource_type", "GRID");
  set("pilot_manager", "Harvester");
  set("container_type", "singularity:pilot");
  set("corecount", corecount, "Resources: cores per slot, MB per whole slot, seconds, minutes.");
  if (site.queue_defaults?.corepower === undefined && input.corepower !== undefined)
    set("corepower", input.corepower);
  set("maxrss", corecount * perCore);
  set("maxtime", 172800);
  set("maxwdir", corecount * 10000);
  set("timefloor", 0);
  if (datadisk) {
    set("astorages", { pr: [datadisk], pw: [datadisk] }, "Storage per activity, in priority order.");
    set("acopytools", { pr: ["rucio"], pw: ["rucio"] });
  }
  set("queues", [], "Compute elements: add this queue's CEs (ce_endpoint host:port, ce_flavour).");
  return doc.toString({ lineWidth: 0 });
}
