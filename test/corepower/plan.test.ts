import { describe, expect, it } from "vitest";
import {
  declaredHardware,
  estimateFromHardware,
  readHardware,
  readScoresTable,
} from "../../src/core/corepower/hardware.js";
import type { Sample } from "../../src/core/corepower/model.js";
import { type PlanInput, planCorepower } from "../../src/core/corepower/plan.js";
import { parseRecords } from "../../src/core/corepower/records.js";
import { indexSites, readCorepowerTree } from "../../src/core/corepower/tree.js";
import { type Doc, defaultSettings, memoryFiles, NOW, series } from "./helpers.js";

const FILES = {
  "sites/US/AGLT2/site.yaml": "name: AGLT2\nrc_site: AGLT2\nqueue_defaults:\n  corepower: 13.87\n",
  "sites/US/AGLT2/queues/AGLT2.yaml": "name: AGLT2\ncorecount: 8\ncorepower: 14.54\n",
  "sites/US/AGLT2/queues/AGLT2_MERGE.yaml": "name: AGLT2_MERGE\ncorecount: 8\n",
  "sites/US/AGLT2/queues/ANALY_AGLT2.yaml": "name: ANALY_AGLT2\ncorecount: 1\n",
  "sites/ES/IFAE/site.yaml": "name: IFAE\nrc_site: IFAE\n",
  "sites/ES/IFAE/queues/IFAE_UCORE.yaml": "name: IFAE_UCORE\ncorecount: 8\ncorepower: 12.85\n",
  "sites/ES/IFAE/queues/ANALY_IFAE.yaml": "name: ANALY_IFAE\ncorecount: 1\ncorepower: 12.85\n",
  "sites/CERN/CERN-PROD/site.yaml":
    "name: CERN-PROD\nrc_site: CERN-PROD\nqueue_defaults:\n  corepower: 10.0\n",
  "sites/CERN/CERN-P1/site.yaml": "name: CERN-P1\nrc_site: CERN-PROD\n",
  "sites/CERN/CERN-P1/queues/CERN-P1_MCORE.yaml": "name: CERN-P1_MCORE\ncorecount: 8\ncorepower: 11.42\n",
  "sites/DE/FZK-LCG2/site.yaml":
    "name: FZK-LCG2\nrc_site: FZK-LCG2\nqueue_defaults:\n  corepower: 14.02\n  corepower_pin: {value: 14.02, ticket: GGUS:1234567, until: 2026-12-31}\n",
  "sites/DE/DESY-HH/site.yaml":
    "name: DESY-HH\nrc_site: DESY-HH\ngocname: DESY-HH-GOC\nqueue_defaults:\n  corepower: 13.15\n  corepower_pin:\n    ticket: GGUS:7654321\n    until: 2026-01-31\n",
  "sites/DE/DESY-HH/queues/DESY-HH_UCORE.yaml":
    "name: DESY-HH_UCORE\ncorecount: 8\ncorepower: 13.5\ncorepower_pin: {ticket: ADCINFR-9}\n",
  "sites/DE/LRZ-LMU/site.yaml":
    "name: LRZ-LMU\nrc_site: LRZ-LMU\nqueue_defaults:\n  corepower: 12.58\n  corepower_pin: frozen\n",
  "sites/FR/GRIF-LAL/site.yaml": "name: GRIF-LAL\nrc_site: GRIF\nqueue_defaults:\n  corepower: 11.49\n",
  "sites/FR/GRIF-IRFU/site.yaml": "name: GRIF-IRFU\nrc_site: GRIF\nqueue_defaults:\n  corepower: 12.1\n",
  "sites/US/EMPTY/site.yaml": "name: EMPTY\nrc_site: EMPTY-RC\n",
  "sites/US/EMPTY/queues/EMPTY_Q.yaml": "name: EMPTY_Q\ncorecount: 8\n",
  "sites/US/BROKEN/site.yaml": "name: BROKEN\nrc_site: [\n",
};

const LIMITS = { corepower: 20, "queue_defaults.corepower": 20 };

function plan(docs: Doc[], extra: Partial<PlanInput> = {}) {
  const settings = defaultSettings();
  const items = docs.map((value, i) => ({ feed: "feed", source: `feed/${i}.json`, value }));
  const { samples, skipped } = parseRecords(items, {
    benchmark: settings.benchmark,
    minScore: 1,
    maxScore: 100,
    nowMs: NOW.getTime(),
    windowDays: 90,
    clockSkewMinutes: 60,
  });
  return planCorepower({
    tree: readCorepowerTree(memoryFiles(FILES)),
    samples,
    skipped,
    settings,
    limits: LIMITS,
    now: NOW,
    ...extra,
  });
}

const rows = (p: ReturnType<typeof plan>) =>
  p.proposals.map((x) => [
    x.target.site,
    x.target.queue ?? "-",
    x.target.path,
    x.target.before,
    x.after,
    x.samples,
  ]);

describe("mapping feed sites to where corepower is defined", () => {
  it("changes a site's default (not the queue that overrides it) for results named by rc_site", () => {
    const p = plan(series("AGLT2", 14.8, 8));
    expect(rows(p)).toEqual([["AGLT2", "-", "queue_defaults.corepower", 13.87, 14.8, 8]]);
    expect(p.proposals[0]!.target.queues).toEqual([
      { name: "AGLT2_MERGE", corecount: 8 },
      { name: "ANALY_AGLT2", corecount: 1 },
    ]);
  });

  it("changes each queue's own value at a site without a default", () => {
    const p = plan(series("IFAE", 13.9, 6));
    expect(rows(p)).toEqual([
      ["IFAE", "ANALY_IFAE", "corepower", 12.85, 13.9, 6],
      ["IFAE", "IFAE_UCORE", "corepower", 12.85, 13.9, 6],
    ]);
  });

  it("a queue tag sends results to that queue's own value", () => {
    const p = plan(series("AGLT2", 15.4, 6, { queue: "AGLT2" }));
    expect(rows(p)).toEqual([["AGLT2", "AGLT2", "corepower", 14.54, 15.4, 6]]);
  });

  it("a queue tag of an inheriting queue counts for the site default", () => {
    const p = plan(series("AGLT2", 14.8, 6, { queue: "AGLT2_MERGE" }));
    expect(rows(p)).toEqual([["AGLT2", "-", "queue_defaults.corepower", 13.87, 14.8, 6]]);
  });

  it("a resource centre shared by two ATLAS sites goes to the one with its name, or as atlas_site says", () => {
    expect(rows(plan(series("CERN-PROD", 11, 5)))).toEqual([
      ["CERN-PROD", "-", "queue_defaults.corepower", 10, 11, 5],
    ]);
    expect(rows(plan(series("CERN-PROD", 12.5, 5, { atlasSite: "CERN-P1" })))).toEqual([
      ["CERN-P1", "CERN-P1_MCORE", "corepower", 11.42, 12.5, 5],
    ]);
  });

  it("matches gocname and names without regard to case", () => {
    const p = plan(series("desy-hh-goc", 15, 5));
    expect(rows(p)).toEqual([["DESY-HH", "-", "queue_defaults.corepower", 13.15, 15, 5]]);
  });

  it("skips results of unknown sites, unknown queues and wrong atlas_site tags, counted by reason", () => {
    const p = plan([
      ...series("NOT-A-SITE", 14, 2),
      ...series("AGLT2", 14, 1, { queue: "NO_SUCH_QUEUE", startDaysAgo: 20 }),
      ...series("AGLT2", 14, 1, { atlasSite: "MWT2", startDaysAgo: 30 }),
    ]);
    expect(p.skipped.map((s) => s.reason).sort()).toEqual([
      "unknown-queue",
      "unknown-site",
      "unknown-site",
      "unknown-site",
    ]);
    expect(p.proposals).toEqual([]);
  });
});

describe("every mapping skip reason", () => {
  it.each([
    ["unknown-site", { site: "NOT-A-SITE" }, "site NOT-A-SITE is no site's rc_site, gocname or name"],
    [
      "unknown-site",
      { site: "AGLT2", atlasSite: "MWT2" },
      "atlas_site MWT2 is not a site of resource centre AGLT2",
    ],
    [
      "ambiguous-site",
      { site: "GRIF" },
      "resource centre GRIF has several ATLAS sites (GRIF-IRFU, GRIF-LAL); tag results with atlas_site or queue",
    ],
    [
      "unknown-queue",
      { site: "AGLT2", queue: "NO_SUCH_QUEUE" },
      "queue NO_SUCH_QUEUE is not a queue of site AGLT2",
    ],
    ["no-target", { site: "EMPTY-RC" }, "site EMPTY and its queues set no corepower"],
    [
      "no-target",
      { site: "EMPTY-RC", queue: "EMPTY_Q" },
      "neither queue EMPTY_Q nor site EMPTY sets corepower",
    ],
  ])("%s: %j", (reason, tags, detail) => {
    const p = plan(series(tags.site, 14, 1, tags));
    expect(p.skipped).toEqual([{ reason, source: "feed/0.json", detail }]);
  });

  it("a resource centre shared by two sites is resolved by atlas_site", () => {
    expect(rows(plan(series("GRIF", 12.2, 5, { atlasSite: "GRIF-LAL" })))).toEqual([
      ["GRIF-LAL", "-", "queue_defaults.corepower", 11.49, 12.2, 5],
    ]);
  });

  it("a file that is not YAML is left alone, with a note", () => {
    expect(plan([]).notes).toContain(
      "sites/US/BROKEN/site.yaml: cannot be read as YAML, so its corepower is left alone. Run siteops validate and fix it.",
    );
  });
});

describe("thresholds and held-back values", () => {
  it("holds back a change below the threshold, and sites with too few results", () => {
    const p = plan([...series("AGLT2", 14.2, 8), ...series("CERN-PROD", 12, 3)]);
    expect(p.proposals).toEqual([]);
    expect(p.held.map((h) => [h.target.site, h.reason])).toEqual([
      ["CERN-PROD", "too-few-samples"],
      ["AGLT2", "below-threshold"],
    ]);
    expect(p.held[1]!.detail).toBe("13.87 -> 14.2 is +2.4 %, below the 5 % threshold");
  });

  it("flags a change beyond the bot's policy limit (still proposed)", () => {
    const p = plan(series("AGLT2", 17.5, 6));
    expect(p.proposals[0]).toMatchObject({ after: 17.5, needsApproval: true });
    expect(plan(series("AGLT2", 16.6, 6)).proposals[0]).toMatchObject({ needsApproval: false });
  });

  it("every change needs approval when no policy rule lets the bot change corepower", () => {
    const p = plan(series("AGLT2", 14.8, 6), { limits: { corepower: 0, "queue_defaults.corepower": 0 } });
    expect(p.proposals[0]!.needsApproval).toBe(true);
  });
});

describe("pins", () => {
  it("never changes a pinned value, whatever the results say", () => {
    const p = plan(series("FZK-LCG2", 16, 10));
    expect(p.proposals).toEqual([]);
    expect(p.held).toMatchObject([
      {
        target: { site: "FZK-LCG2" },
        reason: "pinned",
        detail: "pinned (GGUS:1234567) until 2026-12-31",
        after: 16,
      },
    ]);
  });

  it("a pin without until keeps pinning; a pin that is not a mapping still pins, with a note", () => {
    const p = plan([...series("DESY-HH", 13.2, 6, { queue: "DESY-HH_UCORE" }), ...series("LRZ-LMU", 14, 6)]);
    expect(p.proposals).toEqual([]);
    expect(p.held.map((h) => [h.target.queue ?? h.target.site, h.reason])).toEqual([
      ["DESY-HH_UCORE", "pinned"],
      ["LRZ-LMU", "pinned"],
    ]);
    expect(p.notes).toContain(
      "sites/DE/LRZ-LMU/site.yaml: queue_defaults.corepower_pin: is not a mapping of value, ticket and until; it still pins the value. Write {value, ticket, until: YYYY-MM-DD}.",
    );
  });

  it("proposes removing an expired pin, and the value becomes free to change", () => {
    const p = plan(series("DESY-HH", 14.5, 6));
    expect(p.removals).toMatchObject([
      {
        target: { site: "DESY-HH", path: "queue_defaults.corepower" },
        path: "queue_defaults.corepower_pin",
        pin: { until: "2026-01-31" },
      },
    ]);
    expect(rows(p)).toEqual([["DESY-HH", "-", "queue_defaults.corepower", 13.15, 14.5, 6]]);
  });

  it("proposes removing an expired pin even without results", () => {
    expect(plan([]).removals.map((r) => r.target.site)).toEqual(["DESY-HH"]);
  });

  it("a pin ending today still pins", () => {
    const p = plan(series("DESY-HH", 14.5, 6), { now: new Date("2026-01-31T23:00:00Z") });
    expect(p.removals).toEqual([]);
  });
});

describe("declared hardware for sites without results", () => {
  const tree = readCorepowerTree(memoryFiles(FILES));
  const index = indexSites(tree);
  const scores = readScoresTable("scores.yaml", {
    "AMD EPYC 7742 64-Core Processor": 11.6,
    "Intel(R) Xeon(R) Gold 6326 CPU @ 2.90GHz": 15.9,
  });
  const hardware = readHardware("hw.yaml", {
    AGLT2: [
      { cpu_model: "AMD EPYC 7742 64-Core Processor", cores: 1024 },
      { cpu_model: "Intel Xeon Gold 6326 CPU @ 2.90GHz", cores: 512 },
    ],
    IFAE: [{ cpu_model: "Unknown CPU 9000", cores: 64 }],
    "CERN-PROD": [{ cpu_model: "AMD EPYC 7742 64-Core Processor", cores: 0 }],
    NOWHERE: [{ cpu_model: "AMD EPYC 7742 64-Core Processor", cores: 64 }],
  });
  if ("error" in scores || "error" in hardware) throw new Error("bad test data");
  const { estimates, skipped } = estimateFromHardware(hardware.sites, scores.scores, index);

  it("uses the core-weighted mean of the declared CPU models' scores", () => {
    expect(estimates.map((e) => [e.site.name, e.value])).toEqual([
      ["AGLT2", (1024 * 11.6 + 512 * 15.9) / 1536],
    ]);
    expect(skipped.map((s) => [s.reason, s.source])).toEqual([
      ["unknown-cpu-model", "hw.yaml#IFAE"],
      ["bad-hardware", "hw.yaml#CERN-PROD"],
      ["unknown-site", "hw.yaml#NOWHERE"],
    ]);
    const p = plan([], { estimates });
    expect(p.proposals).toMatchObject([
      { target: { site: "AGLT2" }, after: 13.03, method: "hardware", samples: 2 },
    ]);
  });

  it("is not used for a site with results", () => {
    const p = plan(series("AGLT2", 13.9, 6), { estimates });
    expect(p.proposals).toEqual([]);
    expect(p.held.map((h) => h.reason)).toEqual(["below-threshold"]);
  });
});

describe("hardware declared in site.yaml", () => {
  const scores = readScoresTable("scores.yaml", {
    "AMD EPYC 7742 64-Core Processor": 11.6,
    "AMD EPYC 9654 96-Core Processor": 17.2,
  });
  if ("error" in scores) throw new Error("bad test data");
  const files = {
    ...FILES,
    "sites/US/AGLT2/site.yaml": `${FILES["sites/US/AGLT2/site.yaml"]}hardware:\n  - cpu_model: AMD EPYC 9654 96-Core Processor\n    cores: 4096\n`,
    "sites/CERN/CERN-PROD/site.yaml": `${FILES["sites/CERN/CERN-PROD/site.yaml"]}hardware:\n  - cpu_model: AMD EPYC 7742 64-Core Processor\n    cores: 0\n`,
  };
  const tree = readCorepowerTree(memoryFiles(files));
  const index = indexSites(tree);
  const file = readHardware("hw.yaml", {
    AGLT2: [{ cpu_model: "AMD EPYC 7742 64-Core Processor", cores: 64 }],
    IFAE: [{ cpu_model: "AMD EPYC 7742 64-Core Processor", cores: 64 }],
  });
  if ("error" in file) throw new Error("bad test data");

  it("is used for the sites that declare it, and a --hardware entry only for the others", () => {
    const merged = declaredHardware(tree.sites, file.sites, index);
    const { estimates, skipped } = estimateFromHardware(merged.hardware, scores.scores, index);

    expect(estimates.map((e) => [e.site.name, e.value, e.source])).toEqual([
      ["AGLT2", 17.2, "sites/US/AGLT2/site.yaml#hardware"],
      ["IFAE", 11.6, "hw.yaml#IFAE"],
    ]);
    expect([...merged.skipped, ...skipped].map((s) => [s.reason, s.source])).toEqual([
      ["hardware-in-site-file", "hw.yaml#AGLT2"],
      ["bad-hardware", "sites/CERN/CERN-PROD/site.yaml#hardware"],
    ]);
    expect(plan([], { estimates }).proposals).toMatchObject([
      { target: { site: "IFAE" }, after: 11.6, method: "hardware", feeds: ["hw.yaml#IFAE"] },
      { target: { site: "IFAE" }, after: 11.6, method: "hardware", feeds: ["hw.yaml#IFAE"] },
      {
        target: { site: "AGLT2" },
        after: 17.2,
        method: "hardware",
        feeds: ["sites/US/AGLT2/site.yaml#hardware"],
      },
    ]);
  });

  it("needs no --hardware file", () => {
    const merged = declaredHardware(tree.sites, undefined, index);

    expect([...merged.hardware.keys()]).toEqual(["CERN-PROD", "AGLT2"]);
    expect(estimateFromHardware(merged.hardware, scores.scores, index).estimates).toHaveLength(1);
  });
});

describe("samples carry what the plan needs", () => {
  it("keeps the feed and points of each proposal", () => {
    const p = plan(series("AGLT2", 14.8, 6));
    const proposal = p.proposals[0]!;
    expect(proposal.feeds).toEqual(["feed"]);
    expect(proposal.stats?.kept).toHaveLength(6);
    expect(proposal.stats?.hosts).toBe(4);
    const sample: Pick<Sample, "site"> = { site: "AGLT2" };
    expect(sample.site).toBe(proposal.target.site);
  });
});
