import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inheritableFields } from "../../config.js";
import type { FileKind, Problem, SourceFile } from "../../model.js";
import { resolveEffective } from "../../tree/tree.js";
import { exampleQueue, exampleSite } from "../catalogue.js";
import { createSchemaValidator, SCHEMA_FILES, type SchemaSet } from "../schema-validator.js";
import { type TreeReport, validateTree } from "../validate-tree.js";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const SCHEMAS = Object.fromEntries(
  (Object.keys(SCHEMA_FILES) as FileKind[]).map((kind) => [
    kind,
    JSON.parse(readFileSync(join(ROOT, "schemas", SCHEMA_FILES[kind]), "utf8")),
  ]),
) as SchemaSet;
const VALIDATOR = createSchemaValidator(SCHEMAS);

const CLOUD = "sites/US/cloud.yaml";
const SITE = "sites/US/NEWSITE/site.yaml";
const Q = "sites/US/NEWSITE/queues/NEWSITE_UCORE.yaml";
const queuePath = (name: string, site = "NEWSITE") => `sites/US/${site}/queues/${name}.yaml`;
const cloudText = (name = "US") =>
  `name: ${name}\nsupport_list: atlas-adc-cloud-us@cern.ch\nowners: ["@atlas-siteops/cloud-us"]\n`;
const SITE_DEFAULTS = { "contacts:\n": "queue_defaults:\n  corepower: 10.5\ncontacts:\n" };
const NO_ENDPOINTS = {
  "ddmendpoints:\n  - name: NEWSITE_DATADISK\n    token: DATADISK\n    type: DATADISK\n    state: ACTIVE\n":
    "",
};
const NO_COREPOWER = { "corepower: 12.0\n": "" };

/** The example queue moved to NEWSITE; lines: name 1, cloud 2, atlas_site 3, maxrss 8, pr 11, CE 13, extra 15. */
function queue(name = "NEWSITE_UCORE", replace: Record<string, string> = {}, extra = ""): string {
  return exampleQueue(
    {
      "name: AGLT2_EXAMPLE": `name: ${name}`,
      "atlas_site: AGLT2": "atlas_site: NEWSITE",
      "panda_site: AGLT2": "panda_site: NEWSITE",
      "[AGLT2_DATADISK]": "[NEWSITE_DATADISK]",
      ...replace,
    },
    extra,
  );
}

const BASE: Record<string, string> = { [CLOUD]: cloudText(), [SITE]: exampleSite(), [Q]: queue() };

/** Validates the base tree with some files added, replaced or (null) removed. */
function run(changes: Record<string, string | null> = {}): TreeReport {
  const files: SourceFile[] = Object.entries({ ...BASE, ...changes })
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([path, text]) => ({ path, bytes: new TextEncoder().encode(text) }));
  return validateTree({ files, readProblems: [], configFile: undefined, schemas: SCHEMAS }, VALIDATOR);
}

const codes = (report: TreeReport) => [...new Set(report.problems.map((p) => p.code))].sort();

type Expected = Pick<Problem, "code" | "file" | "line" | "severity"> & { message?: unknown };
const err = (code: string, file: string, line: number): Expected => ({ code, file, line, severity: "error" });
const warn = (...args: [string, string, number]): Expected => ({ ...err(...args), severity: "warning" });
/** The base queue or site with one change. */
const q = (replace: Record<string, string> = {}, extra = "") => ({ [Q]: queue(undefined, replace, extra) });
/** One more queue file in NEWSITE. */
const addQueue = (name: string, replace: Record<string, string> = {}, extra = "") => ({
  [queuePath(name)]: queue(name, replace, extra),
});
const ce = (endpoint: string) => q({ "gate01.aglt2.org:9619": endpoint });
const site = (replace: Record<string, string> = {}, contacts = "") => ({
  [SITE]: exampleSite(replace, contacts),
});

/** description, files to add/replace in the base tree, the problem expected, other codes allowed. */
type Row = [string, Record<string, string | null>, Expected, string[]?];

const rows: Row[] = [
  [
    "queue name differs from its file name",
    { [Q]: queue("NEWSITE_OTHER") },
    err("queue-name-mismatch", Q, 1),
  ],
  ["cloud.yaml name differs from its folder", { [CLOUD]: cloudText("CA") }, err("folder-mismatch", CLOUD, 1)],
  [
    "site name differs from its folder",
    site({ "name: NEWSITE": "name: OTHERSITE" }),
    err("folder-mismatch", SITE, 1),
    ["ddmendpoint-naming"],
  ],
  [
    "site cloud differs from its cloud folder",
    site({ "cloud: US": "cloud: CA" }),
    err("folder-mismatch", SITE, 2),
  ],
  ["queue cloud differs from its folder", q({ "cloud: US": "cloud: CA" }), err("folder-mismatch", Q, 2)],
  [
    "queue atlas_site differs from its folder",
    q({ "atlas_site: NEWSITE": "atlas_site: OTHERSITE" }),
    err("folder-mismatch", Q, 3),
  ],
  [
    "two queues differing only in case",
    addQueue("newsite_ucore"),
    err("duplicate-name", queuePath("newsite_ucore"), 1),
  ],
  [
    "two sites with one name in two clouds",
    {
      "sites/CA/cloud.yaml": cloudText("CA"),
      "sites/CA/NEWSITE/site.yaml": exampleSite({ "cloud: US": "cloud: CA", ...NO_ENDPOINTS }),
    },
    err("duplicate-name", "sites/CA/NEWSITE/site.yaml", 1),
  ],
  [
    "one DDM endpoint declared by two sites",
    { "sites/US/OTHERSITE/site.yaml": exampleSite({ "name: NEWSITE\n": "name: OTHERSITE\n" }) },
    err("duplicate-name", "sites/US/OTHERSITE/site.yaml", 12),
    ["ddmendpoint-naming"],
  ],
  [
    "DDM endpoint not named <SITE>_<TOKEN>",
    site({ "token: DATADISK": "token: SCRATCHDISK" }),
    warn("ddmendpoint-naming", SITE, 12),
  ],
  [
    "astorages names an undeclared DDM endpoint",
    q({ "[NEWSITE_DATADISK]": "[NEWSITE_DATADISC]" }),
    {
      ...err("unknown-ddmendpoint", Q, 11),
      message: expect.stringContaining("Did you mean `NEWSITE_DATADISK`?"),
    },
  ],
  ["parent does not exist", q(undefined, "parent: NEWSITE_VIRTUAL\n"), err("unknown-parent", Q, 15)],
  ["queue is its own parent", q(undefined, "parent: NEWSITE_UCORE\n"), err("unknown-parent", Q, 15)],
  [
    "parent is not virtual",
    addQueue("NEWSITE_CHILD", {}, "parent: NEWSITE_UCORE\n"),
    warn("parent-not-virtual", queuePath("NEWSITE_CHILD"), 15),
  ],
  [
    "parent in a file with an unknown field is not unknown",
    {
      ...q(undefined, "parent: NEWSITE_VIRTUAL\n"),
      ...addQueue("NEWSITE_VIRTUAL", { "maxrss:": "maxrs:" }, "is_virtual: true\n"),
    },
    err("schema-unknown-field", queuePath("NEWSITE_VIRTUAL"), 8),
    ["schema-required"],
  ],
  [
    "parent in a file with an invalid cloud is not unknown",
    {
      ...q(undefined, "parent: NEWSITE_VIRTUAL\n"),
      ...addQueue("NEWSITE_VIRTUAL", { "cloud: US": "cloud: us" }, "is_virtual: true\n"),
    },
    err("schema-enum", queuePath("NEWSITE_VIRTUAL"), 2),
  ],
  ["CE endpoint without a port", ce("gate01.aglt2.org"), err("ce-endpoint-format", Q, 13)],
  ["CE endpoint with port 70000", ce("gate01.aglt2.org:70000"), err("ce-endpoint-format", Q, 13)],
  ["CE endpoint host without a dot", ce("gate01:9619"), err("ce-endpoint-format", Q, 13)],
  ["CE port unusual for its flavour", ce("gate01.aglt2.org:2811"), warn("ce-port-flavour", Q, 13)],
  [
    "CE listed twice, differing in case",
    q(undefined, "  - ce_endpoint: GATE01.aglt2.org:9619\n    ce_flavour: HTCONDOR-CE\n"),
    err("duplicate-ce", Q, 15),
  ],
  [
    "HIMEM by name without the memory",
    addQueue("NEWSITE_HIMEM"),
    err("himem-incoherent", queuePath("NEWSITE_HIMEM"), 8),
  ],
  [
    "HIMEM by params without the memory",
    q(undefined, 'params:\n  "resource_type_limits.SCORE_HIMEM": 100\n'),
    err("himem-incoherent", Q, 8),
  ],
  [
    "queue without corepower at a site without queue_defaults",
    q(NO_COREPOWER),
    err("corepower-undefined", Q, 1),
  ],
  ["tier and tier_level disagree", site({ "tier_level: 2": "tier_level: 1" }), err("tier-mismatch", SITE, 4)],
  [
    "catchall with an empty item",
    q(undefined, "catchall: jobseed=all,,es_to_zip\n"),
    err("catchall-syntax", Q, 15),
  ],
  [
    "catchall setting a key twice",
    q(undefined, "catchall: jobseed=all,es_to_zip,jobseed=es\n"),
    err("catchall-syntax", Q, 15),
  ],
  [
    "contact e-mail listed twice, differing in case",
    site(undefined, "  - email: Grid-Admin@NewSite.example.edu\n    roles: [dpa]\n"),
    err("duplicate-contact", SITE, 10),
  ],
  [
    "params and uconfig disagree",
    q(
      undefined,
      'params:\n  "resource_type_limits.SCORE": 100\nuconfig:\n  resource_type_limits:\n    SCORE: 200\n',
    ),
    warn("params-uconfig-conflict", Q, 16),
  ],
  [
    "site folder with queues but no site.yaml",
    {
      [queuePath("OTHERSITE_UCORE", "OTHERSITE")]: queue("OTHERSITE_UCORE", {
        "atlas_site: NEWSITE": "atlas_site: OTHERSITE",
      }),
    },
    err("missing-site-file", "sites/US/OTHERSITE/site.yaml", 1),
  ],
  ["cloud folder without cloud.yaml", { [CLOUD]: null }, err("missing-cloud-file", CLOUD, 1)],
  [
    "a .yml file",
    { "sites/US/NEWSITE/queues/NEWSITE_X.yml": queue("NEWSITE_X") },
    err("unexpected-file", "sites/US/NEWSITE/queues/NEWSITE_X.yml", 1),
  ],
  [
    "a file in a site folder that is not site.yaml",
    { "sites/US/NEWSITE/notes.yaml": "a: 1\n" },
    err("unexpected-file", "sites/US/NEWSITE/notes.yaml", 1),
  ],
  [
    "a folder under sites/ that is not a cloud",
    { "sites/XX/cloud.yaml": cloudText() },
    err("unexpected-file", "sites/XX/cloud.yaml", 1),
  ],
];

const accepted: [string, Record<string, string | null>][] = [
  ["a README under sites/", { "sites/README.md": "# Sites\n" }],
  [
    "HIMEM by name with maxrss per core (per_core_attr)",
    addQueue("NEWSITE_HIMEM", { "maxrss: 16000": "maxrss: 4000" }, "catchall: per_core_attr\n"),
  ],
  [
    "a proper HIMEM queue (32000 MB over 8 cores)",
    addQueue("NEWSITE_HIMEM", { "maxrss: 16000": "maxrss: 32000" }),
  ],
  [
    "a queue without corepower at a site with queue_defaults.corepower",
    { ...site(SITE_DEFAULTS), ...q(NO_COREPOWER) },
  ],
  ["a virtual queue without corepower", q(NO_COREPOWER, "is_virtual: true\n")],
];

describe("cross-object rules", () => {
  it("accepts the base tree without any problem", () => {
    const report = run();

    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.counts).toEqual({ clouds: 1, sites: 1, queues: 1, ddmendpoints: 1 });
  });

  it.each(rows)("reports %s", (_description, changes, expected, also = []) => {
    const report = run(changes);

    expect(report.problems).toContainEqual(expect.objectContaining(expected));
    expect(codes(report)).toEqual([...new Set([expected.code, ...also])].sort());
    if (also.length === 0) expect(report.valid).toBe(expected.severity === "warning");
  });

  it.each(accepted)("accepts %s", (_description, changes) => {
    const report = run(changes);

    expect(report.problems).toEqual([]);
  });

  it("reports a schema error and a rule violation in one file", () => {
    const text = queue(undefined, { "maxrss:": "maxrs:", "[NEWSITE_DATADISK]": "[NEWSITE_DATADISC]" });

    const report = run({ [Q]: text });

    const found = report.problems.map(({ code, file, line }) => ({ code, file, line }));
    expect(found).toContainEqual({ code: "schema-unknown-field", file: Q, line: 8 });
    expect(found).toContainEqual({ code: "unknown-ddmendpoint", file: Q, line: 11 });
    expect(report.valid).toBe(false);
  });
});

describe("inherited queue values", () => {
  it("takes corepower from the site when the queue has none, and from the queue otherwise", () => {
    const report = run({
      ...site(SITE_DEFAULTS),
      ...addQueue("NEWSITE_MCORE", NO_COREPOWER),
    });
    const siteData = report.tree.sites[0]?.data;
    const effective = (name: string) => {
      const entry = report.tree.queues.find((candidate) => candidate.data.name === name);
      if (!entry) throw new Error(`queue ${name} not in the tree`);
      return resolveEffective(entry.data, siteData, inheritableFields(SCHEMAS.queue));
    };

    const inherited = effective("NEWSITE_MCORE");
    const own = effective("NEWSITE_UCORE");

    expect(report.problems).toEqual([]);
    expect(inherited.values.corepower).toBe(10.5);
    expect(inherited.sources.corepower).toBe("site");
    expect(own.values.corepower).toBe(12);
    expect(own.sources.corepower).toBe("queue");
  });
});
