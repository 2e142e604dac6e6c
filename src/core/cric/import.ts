import { inheritableFields } from "../config.js";
import { parseYaml } from "../load/parse-yaml.js";
import { classifyPath } from "../tree/layout.js";
import type { SchemaSet } from "../validate/schema-validator.js";
import { checkQueueDump } from "./check.js";
import { planEndpoints } from "./endpoints.js";
import { planSiteInheritance } from "./inherit.js";
import {
  byCodePoint,
  type Dump,
  DumpError,
  type DumpProblem,
  type ImportPlan,
  isObject,
  type Json,
  type Note,
  SAFE_NAME,
} from "./model.js";
import { mapQueue } from "./queue-map.js";
import { schemaWalker } from "./schema-walk.js";
import { buildSite, isSiteOwner } from "./sites.js";
import { ordered, writeYaml } from "./yaml-out.js";

export interface ImportInput {
  queues: Dump;
  sites?: Dump;
  endpoints?: Dump;
  schemas: SchemaSet;
  /** `cric.unmanaged_fields` of the repository (schema defaults filled in): field -> owner. */
  unmanaged: ReadonlyMap<string, string>;
  /** Files already under sites/, by path: their sites keep contacts and owners, their names count. */
  existing: ReadonlyMap<string, Uint8Array>;
  /**
   * The dump's queues replace all queues of the tree (drift compares against exactly the dump), so
   * a parent counts as present only when the dump has it. Otherwise the tree's queues count too.
   */
  queuesReplaceTree?: boolean;
}

interface ExistingTree {
  files: Map<string, Json>;
  clouds: Set<string>;
  queues: Set<string>;
  endpoints: Map<string, string>;
}

/**
 * Maps CRIC dumps to the files of the YAML tree. Pure: the caller decides what to do with files
 * that already exist. Throws DumpError, before producing anything, when the dump cannot be imported.
 */
export function planImport(input: ImportInput): ImportPlan {
  const problems = checkQueueDump(input.queues, input.schemas.queue);
  if (problems.length > 0) throw new DumpError(problems);
  const queueSchema = input.schemas.queue;
  const siteSchema = input.schemas.site;
  const walker = schemaWalker(queueSchema);
  const siteWalker = schemaWalker(siteSchema, { "queue.schema.json": queueSchema });
  const existing = readExisting(input.existing);
  const plan: ImportPlan = {
    files: new Map(),
    notes: new Map(),
    stubs: new Set(),
    counts: { queues: 0, sites: 0, clouds: 0, endpoints: 0 },
  };
  const addNotes = (file: string, notes: readonly Note[]) => {
    if (notes.length) plan.notes.set(file, [...(plan.notes.get(file) ?? []), ...notes]);
  };
  const bySite = new Map<string, { cloud: string; queues: Map<string, Json> }>();
  for (const name of [...input.queues.objects.keys()].sort(byCodePoint)) {
    const queue = input.queues.objects.get(name)!;
    const site = String(queue.atlas_site);
    const entry = bySite.get(site) ?? { cloud: String(queue.cloud), queues: new Map<string, Json>() };
    entry.queues.set(name, queue);
    bySite.set(site, entry);
  }
  const endpoints = planEndpoints({
    queues: input.queues.objects,
    sites: new Set(bySite.keys()),
    dump: input.endpoints,
    existing: existing.endpoints,
    schema: siteWalker.items(siteWalker.child(siteSchema, "ddmendpoints")) ?? {},
    walker: siteWalker,
  });
  const siteProperties = new Set(Object.keys(isObject(siteSchema.properties) ? siteSchema.properties : {}));
  const siteFields = [...input.unmanaged].filter(([, owner]) => isSiteOwner(owner)).map(([field]) => field);
  const context = { schema: queueSchema, walker, unmanaged: input.unmanaged, siteProperties };
  const treeQueues = input.queuesReplaceTree ? [] : [...existing.queues];
  const known = new Set([...input.queues.objects.keys(), ...treeQueues].map((n) => n.toLowerCase()));
  const stubs = new Map<string, { child: Json; site: string; cloud: string }>();
  const missingTier: DumpProblem[] = [];
  for (const [site, { cloud, queues }] of [...bySite].sort(([a], [b]) => byCodePoint(a, b))) {
    const inheritance = planSiteInheritance(queues, inheritableFields(queueSchema));
    for (const [name, queue] of queues) {
      const file = `sites/${cloud}/${site}/queues/${name}.yaml`;
      const mapped = mapQueue(name, queue, inheritance.inherits.get(name) ?? new Set(), context);
      const header = [`PanDA queue ${name} (${cloud}, ${site}): imported from CRIC by siteops cric import.`];
      plan.files.set(file, writeYaml(ordered(mapped.data, queueSchema, walker) as Json, header));
      addNotes(file, [...(inheritance.queueNotes.get(name) ?? []), ...mapped.notes]);
      plan.counts.queues++;
      const parent = queue.parent;
      if (typeof parent === "string" && SAFE_NAME.test(parent) && !known.has(parent.toLowerCase())) {
        if (!stubs.has(parent)) stubs.set(parent, { child: mapped.data, site, cloud });
      }
    }
    const siteFile = `sites/${cloud}/${site}/site.yaml`;
    const built = buildSite({
      name: site,
      cloud,
      queues,
      siteFields,
      record: input.sites?.objects.get(site),
      existing: existing.files.get(siteFile),
      defaults: inheritance.defaults,
      endpoints: endpoints.bySite.get(site),
      schema: siteSchema,
      walker: siteWalker,
    });
    if (built.missing.length > 0) {
      missingTier.push({
        source: input.queues.source,
        object: site,
        field: "tier",
        message: `${input.queues.source}: site \`${site}\` (queues ${[...queues.keys()].join(", ")}): neither tier nor tier_level is in the dump, and site.yaml requires them. Import with --sites (the CRIC site dump), or fix the queues' tier in CRIC.`,
      });
      continue;
    }
    const siteNotes = [...inheritance.siteNotes, ...built.notes, ...(endpoints.notes.get(site) ?? [])];
    const placeholders = [...new Set(siteNotes.filter((n) => n.kind === "placeholder").map((n) => n.field))];
    const header = [`ATLAS site ${site} (${cloud}): imported from CRIC by siteops cric import.`];
    if (placeholders.length) header.push(`Placeholders to replace: ${placeholders.join(", ")}.`);
    plan.files.set(siteFile, writeYaml(ordered(built.data, siteSchema, siteWalker) as Json, header));
    addNotes(siteFile, siteNotes);
    plan.counts.sites++;
    plan.counts.endpoints += endpoints.bySite.get(site)?.size ?? 0;
    if (!existing.clouds.has(cloud) && !plan.files.has(`sites/${cloud}/cloud.yaml`)) {
      addCloud(plan, cloud, input.schemas.cloud);
    }
  }
  if (missingTier.length > 0) throw new DumpError(missingTier);
  for (const [parent, { child, site, cloud }] of stubs)
    addStub(plan, parent, child, site, cloud, queueSchema);
  return plan;
}

/** A cloud without cloud.yaml gets one naming its squad list and team, flagged for review. */
function addCloud(plan: ImportPlan, cloud: string, schema: Json): void {
  const lc = cloud.toLowerCase();
  const file = `sites/${cloud}/cloud.yaml`;
  const data = {
    name: cloud,
    support_list: `atlas-adc-cloud-${lc}@cern.ch`,
    owners: [`@atlas-siteops/cloud-${lc}`],
  };
  const header = [
    `ATLAS cloud ${cloud}: created by siteops cric import.`,
    "Placeholders to replace: support_list, owners (the cloud squad defaults).",
  ];
  plan.files.set(file, writeYaml(ordered(data, schema, schemaWalker(schema)) as Json, header));
  plan.notes.set(file, [
    {
      kind: "placeholder",
      field: "support_list",
      message: `atlas-adc-cloud-${lc}@cern.ch, the cloud squad list by convention. Check it.`,
    },
    {
      kind: "placeholder",
      field: "owners",
      message: `@atlas-siteops/cloud-${lc} by convention. Replace it with the cloud's approvers.`,
    },
  ]);
  plan.counts.clouds++;
}

/**
 * A parent the dump does not hold (and the tree does not have) would fail validation; a minimal
 * virtual queue stands in until the real record is imported. It takes its child's place in the
 * tree (cloud, sites, type) but no resource values: a virtual queue runs no jobs, and copied
 * values would make the placeholder change whenever its child does.
 */
function addStub(
  plan: ImportPlan,
  name: string,
  child: Json,
  site: string,
  cloud: string,
  schema: Json,
): void {
  const file = `sites/${cloud}/${site}/queues/${name}.yaml`;
  const data: Json = { name, is_virtual: true, corecount: 1, maxrss: 0, maxtime: 0 };
  for (const field of ["cloud", "atlas_site", "panda_site", "type"]) {
    if (child[field] !== undefined) data[field] = child[field];
  }
  const header = [
    `PLACEHOLDER virtual parent queue ${name}: created by siteops cric import because the dump has`,
    `no record of it (it is the parent of ${String(child.name)}). Replace it with the real CRIC record.`,
  ];
  plan.files.set(file, writeYaml(ordered(data, schema, schemaWalker(schema)) as Json, header));
  plan.stubs.add(file);
  plan.notes.set(file, [
    {
      kind: "placeholder",
      field: "(file)",
      message: `the dump has no record of ${name}, the parent of ${String(child.name)}: a minimal virtual queue stands in (corecount 1, maxrss 0, maxtime 0). Import the real record from CRIC.`,
    },
  ]);
}

function readExisting(files: ReadonlyMap<string, Uint8Array>): ExistingTree {
  const tree: ExistingTree = { files: new Map(), clouds: new Set(), queues: new Set(), endpoints: new Map() };
  for (const [path, bytes] of files) {
    const entry = classifyPath(path);
    if (entry.kind === "queue") tree.queues.add(entry.queue);
    if (entry.kind === "cloud") tree.clouds.add(entry.cloud);
    if (entry.kind !== "site") continue;
    const data = parseYaml(path, bytes, { maxBytes: 16 * 1024 * 1024 }).data;
    if (!data) continue;
    tree.files.set(path, data);
    for (const endpoint of Array.isArray(data.ddmendpoints) ? data.ddmendpoints : []) {
      if (isObject(endpoint) && typeof endpoint.name === "string")
        tree.endpoints.set(endpoint.name, entry.site);
    }
  }
  return tree;
}
