import type { Severity } from "../model.js";

/**
 * How to reproduce a problem on a copy of the bundled tree. `file` is where the problem is
 * reported; `marker` is text on the line it must point at (line 1 without one).
 */
export interface ProblemExample {
  file: string;
  marker?: string;
  /** Files to write (created or replaced). */
  write?: Record<string, string>;
  /** Write these files as Latin-1 instead of UTF-8. */
  latin1?: boolean;
  /** Text replacements in existing files. */
  edit?: { file: string; find: string; replace: string }[];
  symlink?: { path: string; target: string };
  remove?: string;
}

export interface ProblemCodeInfo {
  code: string;
  severity: Severity;
  summary: string;
  example?: ProblemExample;
  /** Why there is no example, when there is none. */
  noExample?: string;
}

const Q = "sites/US/AGLT2/queues/AGLT2_EXAMPLE.yaml";

/** A small valid queue at AGLT2; examples change one thing in it. */
export function exampleQueue(replace: Record<string, string> = {}, extra = ""): string {
  let text = `name: AGLT2_EXAMPLE
cloud: US
atlas_site: AGLT2
panda_site: AGLT2
type: production
corecount: 8
corepower: 12.0
maxrss: 16000
maxtime: 172800
astorages:
  pr: [AGLT2_DATADISK]
queues:
  - ce_endpoint: gate01.aglt2.org:9619
    ce_flavour: HTCONDOR-CE
${extra}`;
  for (const [from, to] of Object.entries(replace)) text = text.replace(from, to);
  return text;
}

/** A small valid site in the US cloud (sites/US/NEWSITE/site.yaml); examples change one thing in it. */
export function exampleSite(replace: Record<string, string> = {}, extraContacts = ""): string {
  let text = `name: NEWSITE
cloud: US
tier: T2
tier_level: 2
rc_site: NEWSITE
state: ACTIVE
contacts:
  - email: grid-admin@newsite.example.edu
    roles: [site-admin]
${extraContacts}owners: ["@newsite-admin"]
ddmendpoints:
  - name: NEWSITE_DATADISK
    token: DATADISK
    type: DATADISK
    state: ACTIVE
`;
  for (const [from, to] of Object.entries(replace)) text = text.replace(from, to);
  return text;
}

/** Every problem code siteops validate reports: the stable contract the README and tests are built from. */
export const PROBLEM_CODES: readonly ProblemCodeInfo[] = [
  // Files and encodings
  {
    code: "unexpected-file",
    severity: "error",
    summary: "A file under sites/ that is not part of the layout.",
    example: { file: "sites/US/AGLT2/notes.yml", write: { "sites/US/AGLT2/notes.yml": "a: 1\n" } },
  },
  {
    code: "unsafe-path",
    severity: "error",
    summary: "A symbolic link under sites/; links are never followed.",
    example: {
      file: "sites/US/AGLT2/queues/LINKED.yaml",
      symlink: { path: "sites/US/AGLT2/queues/LINKED.yaml", target: "/etc/passwd" },
    },
  },
  {
    code: "file-unreadable",
    severity: "error",
    summary: "A file or folder that cannot be read (permissions, or swapped for a link while reading).",
    noExample: "depends on file permissions of the machine",
  },
  {
    code: "file-too-large",
    severity: "error",
    summary: "A file larger than validation.max_file_bytes; refused before parsing.",
    example: { file: Q, write: { [Q]: exampleQueue({}, `description: "${"x".repeat(1_100_000)}"\n`) } },
  },
  {
    code: "encoding-bom",
    severity: "error",
    summary: "The file starts with a UTF-8 byte-order mark.",
    example: { file: Q, write: { [Q]: `\uFEFF${exampleQueue()}` } },
  },
  {
    code: "encoding-invalid",
    severity: "error",
    summary: "Bytes that are not UTF-8 (e.g. a Latin-1 file).",
    example: {
      file: Q,
      write: {
        [Q]: exampleQueue({ "type: production": "type: production\ndescription: Queue \u00e0 Annecy" }),
      },
      latin1: true,
      marker: "description",
    },
  },
  {
    code: "missing-cloud-file",
    severity: "error",
    summary: "A cloud folder without its cloud.yaml.",
    example: { file: "sites/US/cloud.yaml", remove: "sites/US/cloud.yaml" },
  },
  {
    code: "missing-site-file",
    severity: "error",
    summary: "A site folder with queues but without site.yaml.",
    example: {
      file: "sites/US/NEWSITE/site.yaml",
      write: {
        "sites/US/NEWSITE/queues/NEWSITE.yaml": exampleQueue({
          "name: AGLT2_EXAMPLE": "name: NEWSITE",
          "atlas_site: AGLT2": "atlas_site: NEWSITE",
        }),
      },
    },
  },
  // YAML
  {
    code: "yaml-syntax",
    severity: "error",
    summary: "The YAML cannot be parsed.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "maxtime: 172800": "maxtime: 172800: 48 h" }) },
      marker: "maxtime",
    },
  },
  {
    code: "yaml-duplicate-key",
    severity: "error",
    summary: "A key appears twice in one mapping.",
    example: { file: Q, write: { [Q]: exampleQueue({}, "maxrss: 32000\n") }, marker: "maxrss: 32000" },
  },
  {
    code: "yaml-tab",
    severity: "error",
    summary: "Indentation with a tab character.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "  pr: [AGLT2_DATADISK]": "\tpr: [AGLT2_DATADISK]" }) },
      marker: "\tpr",
    },
  },
  {
    code: "yaml-custom-tag",
    severity: "error",
    summary: "A YAML tag such as !!js/function or !!python/object/apply; only plain values are read.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({}, 'description: !!python/object/apply:os.system ["id"]\n') },
      marker: "!!python",
    },
  },
  {
    code: "yaml-alias",
    severity: "error",
    summary: "An alias (*name); values must be written where they apply. Also stops alias bombs.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "maxtime: 172800": "maxtime: &t 172800" }, "mintime: *t\n") },
      marker: "*t",
    },
  },
  {
    code: "yaml-merge-key",
    severity: "error",
    summary: "A merge key (<<).",
    example: { file: Q, write: { [Q]: exampleQueue({}, "<<: {maxwdir: 1000}\n") }, marker: "<<" },
  },
  {
    code: "yaml-complex-key",
    severity: "error",
    summary: "A mapping key that is not a plain scalar.",
    example: { file: Q, write: { [Q]: exampleQueue({}, "? [a, b]\n: 1\n") }, marker: "[a, b]" },
  },
  {
    code: "yaml-unsafe-key",
    severity: "error",
    summary: "A __proto__, constructor or prototype key.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({}, "__proto__: {polluted: true}\n") },
      marker: "__proto__",
    },
  },
  {
    code: "yaml-empty",
    severity: "error",
    summary: "An empty file.",
    example: { file: Q, write: { [Q]: "# nothing here yet\n" } },
  },
  {
    code: "yaml-not-mapping",
    severity: "error",
    summary: "The document is a list or a single value instead of a mapping.",
    example: { file: Q, write: { [Q]: "- name: AGLT2_EXAMPLE\n" }, marker: "- name" },
  },
  // Schema
  {
    code: "schema-unknown-field",
    severity: "error",
    summary: "A field the schema does not define; suggests the closest known field.",
    example: { file: Q, write: { [Q]: exampleQueue({ "maxrss:": "maxrs:" }) }, marker: "maxrs:" },
  },
  {
    code: "unmanaged-field",
    severity: "error",
    summary: "A CRIC field siteops does not keep (cric.unmanaged_fields), with who owns it.",
    example: { file: Q, write: { [Q]: exampleQueue({}, "status: online\n") }, marker: "status:" },
  },
  {
    code: "schema-required",
    severity: "error",
    summary: "A required field is missing.",
    example: { file: Q, write: { [Q]: exampleQueue({ "maxtime: 172800\n": "" }) } },
  },
  {
    code: "schema-type",
    severity: "error",
    summary: "A value of the wrong type (e.g. a quoted number).",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "corecount: 8": 'corecount: "8"' }) },
      marker: "corecount",
    },
  },
  {
    code: "schema-enum",
    severity: "error",
    summary: "A value outside its allowed list; lists the allowed values.",
    example: { file: Q, write: { [Q]: exampleQueue({ "type: production": "type: prod" }) }, marker: "type:" },
  },
  {
    code: "schema-range",
    severity: "error",
    summary: "A number outside its range, with the unit.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "corecount: 8": "corecount: 0" }) },
      marker: "corecount",
    },
  },
  {
    code: "schema-pattern",
    severity: "error",
    summary: "A string that does not have the expected form.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({}, "container_type: singularity\n") },
      marker: "container_type",
    },
  },
  {
    code: "schema-format",
    severity: "error",
    summary: "A malformed e-mail address or other formatted value.",
    example: {
      file: "sites/US/cloud.yaml",
      write: {
        "sites/US/cloud.yaml":
          'name: US\nsupport_list: atlas-adc-cloud-us(at)cern.ch\nowners: ["@atlas-siteops/cloud-us"]\n',
      },
      marker: "support_list",
    },
  },
  {
    code: "schema-duplicate-item",
    severity: "error",
    summary: "A list that must hold distinct values lists one twice.",
    example: { file: Q, write: { [Q]: exampleQueue({}, "releases: [AUTO, AUTO]\n") }, marker: "releases" },
  },
  {
    code: "schema-constraint",
    severity: "error",
    summary: "Any other schema constraint (list length, string length).",
    example: {
      file: "sites/US/cloud.yaml",
      write: { "sites/US/cloud.yaml": "name: US\nsupport_list: atlas-adc-cloud-us@cern.ch\nowners: []\n" },
      marker: "owners",
    },
  },
  {
    code: "config-invalid-regex",
    severity: "error",
    summary: "A ticket pattern in siteops.config.yaml that is not a valid regular expression.",
    example: {
      file: "siteops.config.yaml",
      write: {
        "siteops.config.yaml":
          'tickets:\n  patterns:\n    - system: GGUS\n      regex: "GGUS:(\\\\d{6,7}"\n      id: "GGUS:$1"\n      url: "https://helpdesk.ggus.eu/#ticket/zoom/$1"\n',
      },
      marker: "regex:",
    },
  },
  // Cross-object rules
  {
    code: "queue-name-mismatch",
    severity: "error",
    summary: "A queue file whose name is not the queue's name.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "name: AGLT2_EXAMPLE": "name: AGLT2_OTHER" }) },
      marker: "name:",
    },
  },
  {
    code: "folder-mismatch",
    severity: "error",
    summary: "An object whose cloud or site differs from the folder it is in.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "atlas_site: AGLT2": "atlas_site: MWT2" }) },
      marker: "atlas_site",
    },
  },
  {
    code: "duplicate-name",
    severity: "error",
    summary: "Two objects of one kind with the same name, compared without case.",
    example: {
      file: "sites/US/AGLT2/queues/aglt2.yaml",
      write: { "sites/US/AGLT2/queues/aglt2.yaml": exampleQueue({ "name: AGLT2_EXAMPLE": "name: aglt2" }) },
      marker: "name:",
    },
  },
  {
    code: "unknown-ddmendpoint",
    severity: "error",
    summary: "astorages names a DDM endpoint no site declares.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "[AGLT2_DATADISK]": "[AGLT2_DATADISC]" }) },
      marker: "AGLT2_DATADISC",
    },
  },
  {
    code: "ddmendpoint-naming",
    severity: "warning",
    summary: "A DDM endpoint not named <ATLAS_SITE>_<TOKEN>.",
    example: {
      file: "sites/US/NEWSITE/site.yaml",
      write: {
        "sites/US/NEWSITE/site.yaml": exampleSite({ "name: NEWSITE_DATADISK": "name: NEWSITE-DATADISK" }),
      },
      marker: "NEWSITE-DATADISK",
    },
  },
  {
    code: "unknown-parent",
    severity: "error",
    summary: "parent names a queue that does not exist.",
    example: { file: Q, write: { [Q]: exampleQueue({}, "parent: AGLT2_VIRTUALL\n") }, marker: "parent:" },
  },
  {
    code: "parent-not-virtual",
    severity: "warning",
    summary: "parent names a queue that is not virtual.",
    example: { file: Q, write: { [Q]: exampleQueue({}, "parent: AGLT2\n") }, marker: "parent:" },
  },
  {
    code: "ce-endpoint-format",
    severity: "error",
    summary: "A CE endpoint that is not host:port.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "gate01.aglt2.org:9619": "gate01.aglt2.org" }) },
      marker: "ce_endpoint",
    },
  },
  {
    code: "ce-port-flavour",
    severity: "warning",
    summary: "A CE port unusual for its flavour.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({ "gate01.aglt2.org:9619": "gate01.aglt2.org:2811" }) },
      marker: "ce_endpoint",
    },
  },
  {
    code: "duplicate-ce",
    severity: "error",
    summary: "A CE listed twice in one queue (compared without case).",
    example: {
      file: Q,
      write: {
        [Q]: exampleQueue({
          "    ce_flavour: HTCONDOR-CE\n":
            "    ce_flavour: HTCONDOR-CE\n  - ce_endpoint: GATE01.aglt2.org:9619\n    ce_flavour: HTCONDOR-CE\n",
        }),
      },
      marker: "GATE01",
    },
  },
  {
    code: "himem-incoherent",
    severity: "error",
    summary: "A queue promising HIMEM jobs whose maxrss per core is not above the HIMEM threshold.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({}, 'params:\n  "resource_type_limits.MCORE_HIMEM": 200\n') },
      marker: "maxrss",
    },
  },
  {
    code: "corepower-undefined",
    severity: "error",
    summary: "A queue with no corepower of its own or from its site.",
    example: {
      file: "sites/US/NEWSITE/queues/NEWSITE.yaml",
      write: {
        "sites/US/NEWSITE/site.yaml": exampleSite(),
        "sites/US/NEWSITE/queues/NEWSITE.yaml": exampleQueue({
          "name: AGLT2_EXAMPLE": "name: NEWSITE",
          "atlas_site: AGLT2": "atlas_site: NEWSITE",
          "corepower: 12.0\n": "",
        }),
      },
    },
  },
  {
    code: "tier-mismatch",
    severity: "error",
    summary: "tier and tier_level disagree.",
    example: {
      file: "sites/US/NEWSITE/site.yaml",
      write: { "sites/US/NEWSITE/site.yaml": exampleSite({ "tier_level: 2": "tier_level: 1" }) },
      marker: "tier_level",
    },
  },
  {
    code: "catchall-syntax",
    severity: "error",
    summary: "catchall is not comma-separated key or key=value items.",
    example: {
      file: Q,
      write: { [Q]: exampleQueue({}, "catchall: jobseed=all,,es_to_zip\n") },
      marker: "catchall",
    },
  },
  {
    code: "duplicate-contact",
    severity: "error",
    summary: "A contact e-mail listed twice in one site.",
    example: {
      file: "sites/US/NEWSITE/site.yaml",
      write: {
        "sites/US/NEWSITE/site.yaml": exampleSite(
          {},
          "  - email: grid-admin@newsite.example.edu\n    roles: [dpa]\n",
        ),
      },
      marker: "grid-admin@newsite.example.edu\n    roles: [dpa]",
    },
  },
  {
    code: "params-uconfig-conflict",
    severity: "warning",
    summary: "A dotted params key and uconfig disagree.",
    example: {
      file: Q,
      write: {
        [Q]: exampleQueue(
          {},
          'params:\n  "resource_type_limits.SCORE": 100\nuconfig:\n  resource_type_limits:\n    SCORE: 200\n',
        ),
      },
      marker: "resource_type_limits.SCORE",
    },
  },
];
