import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inheritableFields, resolveConfig } from "../../src/core/config.js";
import { exportTree } from "../../src/core/cric/export.js";
import { planImport } from "../../src/core/cric/import.js";
import type { Dump } from "../../src/core/cric/model.js";
import type { SourceFile } from "../../src/core/model.js";
import { CLOUDS } from "../../src/core/tree/layout.js";
import { createSchemaValidator } from "../../src/core/validate/schema-validator.js";
import { validateTree } from "../../src/core/validate/validate-tree.js";
import { loadSchemas, managed, siteLevel } from "./compare.js";
import type { Json } from "./helpers.js";

const schemas = await loadSchemas();
const validator = createSchemaValidator(schemas);
const unmanaged = resolveConfig({}, schemas.config).unmanaged;
const inheritable = inheritableFields(schemas.queue);

const TIERS = [
  ["T0", 0],
  ["T1", 1],
  ["T2", 2],
  ["T2D", 2],
  ["T3", 3],
] as const;
const TOKENS = [
  "DATADISK",
  "SCRATCHDISK",
  "LOCALGROUPDISK",
  "DATATAPE",
  "MCTAPE",
  "ES",
  "PHYS-HIGGS",
  "TZDISK",
];
const HC = ["AFT", "PFT", "PFT_MCORE", "AFT_SCORE", "PFT_SCORE", "ART"];
const CATCHALL_ITEMS = [
  "jobseed=all",
  "es_to_zip",
  "zip_time_gap=7200",
  "useJumboJobs",
  "gpu",
  "per_core_attr=no",
];
/** Strings a careless YAML writer would turn into numbers, booleans, nulls or dates. */
const TRICKY = [
  "3",
  "True",
  "None",
  "yes",
  "off",
  "1e3",
  "0777",
  "2022-01-01",
  "null",
  "~",
  "",
  " x ",
  "a: b",
  "#c",
];

const safeName = fc.stringMatching(/^[A-Z][A-Za-z0-9_-]{1,10}$/);
const corepower = fc.double({ min: 1, max: 40, noNaN: true }).map((v) => Math.round(v * 100) / 100);

/** The `corepower_data` (or coreenergy, maxdiskio) report in one of CRIC's two shapes. */
function inheritance(field: string, siteValue: number | null) {
  return fc.oneof(
    fc.constant({ own: true, data: undefined as Json | undefined }),
    fc.boolean().map((on) => ({
      own: on,
      data: {
        [field]: siteValue,
        [`${field}_on`]: on,
        [`parent_${field}`]: siteValue,
        [`parent_${field}_on`]: false,
        [`parent_site_${field}`]: siteValue,
        [`parent_site_${field}_on`]: false,
        [`parent_rc_site_${field}`]: siteValue,
      } as Json,
    })),
    fc.constantFrom("rcsite", "site", "local").map((scope) => ({
      own: scope === "local",
      data: { [field]: siteValue, scope } as Json,
    })),
  );
}

/** One queue as CRIC serves it; `inherit` decides whether it takes the site's value or its own. */
function queueOf(name: string, site: Json) {
  return fc
    .record({
      type: fc.constantFrom("production", "analysis", "unified"),
      corecount: fc.integer({ min: 1, max: 64 }),
      perCore: fc.integer({ min: 500, max: 2000 }),
      maxtime: fc.integer({ min: 0, max: 10 ** 6 }),
      timefloor: fc.option(fc.integer({ min: 0, max: 10080 }), { nil: undefined }),
      power: inheritance("corepower", site.corepower as number),
      ownPower: corepower,
      energy: fc.option(inheritance("coreenergy", site.coreenergy as number), { nil: undefined }),
      diskio: fc.option(fc.constantFrom(null, 5000, 10000), { nil: undefined }),
      tokens: fc.uniqueArray(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 4 }),
      ces: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 3 }),
      limits: fc.dictionary(fc.constantFrom("SCORE", "MCORE"), fc.integer({ min: 0, max: 10000 })),
      flags: fc.record({
        unified_dispatch: fc.boolean(),
        maxNewWorkersPerCycle: fc.integer({ min: 0, max: 999 }),
      }),
      catchall: fc.uniqueArray(fc.constantFrom(...CATCHALL_ITEMS), { maxLength: 4 }),
      hc: fc.uniqueArray(fc.constantFrom(...HC), { maxLength: 4 }),
      description: fc.oneof(fc.string({ maxLength: 30 }), fc.string({ maxLength: 10, unit: "grapheme" })),
      tricky: fc.constantFrom(...TRICKY),
      parent: fc.boolean(),
      status: fc.constantFrom("online", "offline", "test", "brokeroff"),
      id: fc.nat(),
    })
    .map((g) => {
      const inherits = !g.power.own && g.power.data !== undefined;
      const queue: Json = {
        name,
        nickname: name,
        siteid: name,
        panda_resource: name,
        id: g.id,
        status: g.status,
        last_modified: "2026-04-01T15:47:25",
        cloud: site.cloud,
        atlas_site: site.name,
        panda_site: site.panda_site,
        site: site.panda_site,
        is_virtual: false,
        type: g.type,
        corecount: g.corecount,
        corepower: inherits ? site.corepower : g.ownPower,
        maxrss: g.corecount * g.perCore,
        maxtime: g.maxtime,
        astorages: { pr: g.tokens.map((t) => `${site.name}_${t}`), pw: [`${site.name}_${g.tokens[0]}`] },
        acopytools: { pr: ["rucio"], pw: ["rucio"] },
        queues: g.ces.map((n) => ({ ce_endpoint: `ce${n}.example.org:9619`, ce_flavour: "HTCONDOR-CE" })),
        params: {
          ...g.flags,
          ...Object.fromEntries(Object.entries(g.limits).map(([k, v]) => [`resource_type_limits.${k}`, v])),
        },
        uconfig: { resource_type_limits: g.limits },
        catchall: g.catchall.join(","),
        hc_suite: g.hc,
        releases: ["AUTO"],
        description: g.description,
        special_par: g.tricky,
        pilot_version: "3",
        validatedreleases: "True",
        environ: "None",
        ...siteLevelOf(site),
      };
      if (g.power.data) queue.corepower_data = g.power.data;
      if (g.timefloor !== undefined) queue.timefloor = g.timefloor;
      if (g.energy) {
        queue.coreenergy = g.energy.own ? 7.5 : site.coreenergy;
        if (g.energy.data) queue.coreenergy_data = g.energy.data;
      }
      if (g.diskio !== undefined) {
        queue.maxdiskio = g.diskio;
        queue.maxdiskio_data = { maxdiskio: g.diskio, scope: "local" };
      }
      if (g.parent) queue.parent = `${site.panda_site}_VIRTUAL`;
      return queue;
    });
}

function siteLevelOf(site: Json): Json {
  return {
    rc_site: site.rc_site,
    rc: site.rc,
    rc_country: site.country,
    gocname: site.gocname,
    gstat: site.gocname,
    country: site.country,
    countrygroup: "",
    tier: site.tier,
    tier_level: site.tier_level,
    region: site.region,
  };
}

const siteArb = fc
  .record({
    name: safeName,
    cloud: fc.constantFrom(...CLOUDS),
    tier: fc.constantFrom(...TIERS),
    gocname: fc.option(safeName, { nil: undefined }),
    country: fc.constantFrom("Switzerland", "United States", "Germany"),
    region: fc.constantFrom("CERN", "US-MIDW-MISO", ""),
    corepower,
    coreenergy: fc.constantFrom(0, 10, 12.5),
    queues: fc.uniqueArray(fc.stringMatching(/^[A-Z0-9]{1,6}$/), { minLength: 1, maxLength: 3 }),
  })
  .map((s) => ({
    ...s,
    tier: s.tier[0],
    tier_level: s.tier[1],
    rc_site: s.name,
    rc: `XX-${s.name}`,
    gocname: s.gocname ?? s.name,
    panda_site: `${s.name}-PS`,
  }));

/** A CRIC dump of a few sites (names distinct without case) with a few queues each. */
const dumpArb = fc
  .uniqueArray(siteArb, { minLength: 1, maxLength: 3, selector: (s) => s.name.toLowerCase() })
  .chain((sites) =>
    fc.tuple(...sites.flatMap((site) => site.queues.map((q) => queueOf(`${site.name}_Q${q}`, site as Json)))),
  )
  .map((queues) => Object.fromEntries(queues.map((q) => [String(q.name), q])));

function importAndExport(dump: Record<string, Json>) {
  const queues: Dump = { kind: "pandaqueues", source: "dump.json", objects: new Map(Object.entries(dump)) };
  const plan = planImport({ queues, schemas, unmanaged, existing: new Map() });
  const files: SourceFile[] = [...plan.files]
    .map(([path, text]) => ({ path, bytes: new TextEncoder().encode(text) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const report = validateTree({ files, readProblems: [], configFile: undefined, schemas }, validator);
  return { plan, report, exported: exportTree(report.tree, inheritable) };
}

describe("import then export (property)", () => {
  it("reproduces every managed field of generated queues, and the imported tree validates", () => {
    fc.assert(
      fc.property(dumpArb, (dump) => {
        const { report, exported } = importAndExport(dump);
        expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);
        for (const [name, queue] of Object.entries(dump)) {
          expect(managed(exported[name]!, unmanaged)).toEqual(managed(queue, unmanaged));
          const expectedSite = siteLevel(queue);
          if (expectedSite.region === "") delete expectedSite.region; // empty: not kept in site.yaml
          expect(siteLevel(exported[name]!)).toEqual(expectedSite);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("is deterministic: the same dump gives the same files", () => {
    fc.assert(
      fc.property(dumpArb, (dump) => {
        const reversed = Object.fromEntries(Object.entries(dump).reverse());
        expect(importAndExport(reversed).plan.files).toEqual(importAndExport(dump).plan.files);
      }),
      { numRuns: 20 },
    );
  });
});
