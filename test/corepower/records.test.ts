import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { SkipReason } from "../../src/core/corepower/model.js";
import { countSkips } from "../../src/core/corepower/plan.js";
import {
  type FeedItem,
  parseRecord,
  parseRecords,
  type RecordRules,
  splitFeedText,
} from "../../src/core/corepower/records.js";
import { DB12_FILE, type Doc, hs23, NOW, realSample, SAMPLE_FILE } from "./helpers.js";

const RULES: RecordRules = {
  benchmark: "HEPscore23",
  minScore: 1,
  maxScore: 100,
  nowMs: NOW.getTime(),
  windowDays: 90,
  clockSkewMinutes: 60,
};

const item = (value: unknown, source = "feed/x.json"): FeedItem => ({ feed: "feed", source, value });

describe("feed parsing of the real HEP Benchmark Suite documents", () => {
  it("skips the real sample as HEPscore19 when HEPscore23 is required", () => {
    const text = readFileSync(SAMPLE_FILE, "utf8");
    const items = splitFeedText("realdata", SAMPLE_FILE, text);
    expect(items).toHaveLength(1);
    expect(parseRecord(items[0]!, RULES)).toEqual({
      skip: { reason: "wrong-benchmark", source: SAMPLE_FILE, detail: "HEPscore19; HEPscore23 required" },
    });
  });

  it("reads the real sample as a sample when HEPscore19 is the configured benchmark (it has no site tag)", () => {
    const result = parseRecord(item(realSample()), { ...RULES, benchmark: "HEPscore19" });
    expect(result).toEqual({
      skip: { reason: "missing-site", source: "feed/x.json", detail: "host.tags.site is missing or empty" },
    });
  });

  it("skips the real DB12-only document: it has no HEPscore profile", () => {
    const items = splitFeedText("realdata", DB12_FILE, readFileSync(DB12_FILE, "utf8"));
    expect(parseRecord(items[0]!, RULES)).toMatchObject({ skip: { reason: "no-hepscore" } });
  });

  it("reads a HEPscore23 document built from the sample: site tag, host, CPU model, score per core, time", () => {
    const doc = hs23({ site: "AGLT2", value: 14.83, daysAgo: 2, host: "c-101.aglt2.org" });
    const result = parseRecord(item(doc), RULES);
    expect(result).toEqual({
      sample: {
        site: "AGLT2",
        host: "c-101.aglt2.org",
        cpuModel: "Intel(R) Xeon(R) CPU E5-2695 v2 @ 2.40GHz",
        value: 14.83,
        time: "2026-03-29T12:00:00Z",
        timeMs: Date.parse("2026-03-29T12:00:00Z"),
        source: "feed/x.json",
        feed: "feed",
      },
    });
  });

  it("reads the newer layout with the results nested under profiles.hepscore.report", () => {
    const doc = hs23({ site: "AGLT2", value: 1 });
    const { score_per_core, status, app_info, ...rest } = doc.profiles.hepscore;
    doc.profiles.hepscore = { ...rest, report: { score_per_core: 15.5, status, app_info } };
    expect(parseRecord(item(doc), RULES)).toMatchObject({ sample: { value: 15.5 } });
  });

  it("reads the optional atlas_site and queue tags, and numeric strings", () => {
    const doc = hs23({
      site: "CERN-PROD",
      value: "16.9",
      queue: "CERN-PROD_MCORE_HIMEM",
      atlasSite: "CERN-PROD",
    });
    expect(parseRecord(item(doc), RULES)).toMatchObject({
      sample: { site: "CERN-PROD", atlasSite: "CERN-PROD", queue: "CERN-PROD_MCORE_HIMEM", value: 16.9 },
    });
  });
});

describe("every skip reason of a record", () => {
  const edit = (change: (d: Doc) => void): Doc => {
    const d = hs23({ site: "AGLT2", value: 14 });
    change(d);
    return d;
  };
  const cases: [SkipReason, unknown, string][] = [
    ["not-a-result", [1, 2], "not a JSON object"],
    ["not-a-result", { hello: "world" }, "neither `host` nor `profiles`"],
    ["no-hepscore", edit((d) => delete d.profiles.hepscore), "no profiles.hepscore"],
    ["missing-field", edit((d) => delete d.profiles.hepscore.status), "status is missing"],
    ["failed-status", hs23({ site: "AGLT2", value: 14, status: "failed" }), 'status is "failed"'],
    ["missing-field", edit((d) => delete d.profiles.hepscore.app_info.name), "app_info.name is missing"],
    [
      "wrong-benchmark",
      hs23({ site: "AGLT2", value: 14, name: "HEPscore19" }),
      "HEPscore19; HEPscore23 required",
    ],
    ["missing-site", edit((d) => delete d.host.tags.site), "host.tags.site"],
    ["missing-site", hs23({ site: "  ", value: 14 }), "host.tags.site"],
    ["missing-field", edit((d) => delete d.profiles.hepscore.score_per_core), "score_per_core is missing"],
    ["bad-score", hs23({ site: "AGLT2", value: Number.NaN }), "is not a number"],
    ["bad-score", hs23({ site: "AGLT2", value: null }), "is not a number"],
    ["bad-score", hs23({ site: "AGLT2", value: "fast" }), "is not a number"],
    ["non-positive-score", hs23({ site: "AGLT2", value: -3 }), "is not positive"],
    ["non-positive-score", hs23({ site: "AGLT2", value: 0 }), "is not positive"],
    ["absurd-score", hs23({ site: "AGLT2", value: 1400 }), "outside 1..100"],
    ["absurd-score", hs23({ site: "AGLT2", value: 0.2 }), "outside 1..100"],
    ["missing-field", edit((d) => delete d._timestamp), "_timestamp is missing"],
    ["bad-timestamp", edit((d) => (d._timestamp = "yesterday")), "not an ISO 8601 time"],
    ["bad-timestamp", edit((d) => (d._timestamp = "2026-02-30T25:00:00Z")), "not an ISO 8601 time"],
    ["future-timestamp", hs23({ site: "AGLT2", value: 14, daysAgo: -1 }), "in the future"],
    ["outside-window", hs23({ site: "AGLT2", value: 14, daysAgo: 91 }), "older than 90 days"],
  ];
  it.each(cases)("%s: %j", (reason, doc, detail) => {
    const result = parseRecord(item(doc), RULES);
    expect(result).toMatchObject({ skip: { reason, source: "feed/x.json" } });
    expect("skip" in result && result.skip.detail).toContain(detail);
  });

  it("unparsable: a JSON-lines line that is not JSON (the other lines still count)", () => {
    const good = JSON.stringify(hs23({ site: "AGLT2", value: 14 }));
    const items = splitFeedText("f", "f.jsonl", `${good}\n{"broken": \n\n${good.replace("wn-", "wn2-")}\n`);
    const { samples, skipped } = parseRecords(items, RULES);
    expect(samples).toHaveLength(2);
    expect(skipped).toEqual([
      { reason: "unparsable", source: "f.jsonl:2", detail: expect.stringContaining("not JSON") },
    ]);
  });

  it("duplicate: the same result in two feeds counts once", () => {
    const doc = hs23({ site: "AGLT2", value: 14 });
    const { samples, skipped } = parseRecords(
      [item(doc, "a.json"), item(structuredClone(doc), "b.json")],
      RULES,
    );
    expect(samples).toHaveLength(1);
    expect(skipped).toMatchObject([{ reason: "duplicate", source: "b.json" }]);
  });

  it("a result just inside the window and one within the clock-skew tolerance count", () => {
    const docs = [
      hs23({ site: "A", value: 14, daysAgo: 89.9 }),
      hs23({ site: "A", value: 14, daysAgo: -0.02 }),
    ];
    expect(
      parseRecords(
        docs.map((d) => item(d)),
        RULES,
      ).samples,
    ).toHaveLength(2);
  });

  it("counts skips by reason, most frequent first", () => {
    const docs = [
      hs23({ site: "A", value: -1 }),
      hs23({ site: "A", value: -2, daysAgo: 2 }),
      hs23({ site: "A", value: 14, name: "HEPscore19" }),
    ];
    const { skipped } = parseRecords(
      docs.map((d) => item(d)),
      RULES,
    );
    expect(countSkips(skipped)).toEqual([
      { reason: "non-positive-score", count: 2 },
      { reason: "wrong-benchmark", count: 1 },
    ]);
  });
});

describe("feed texts", () => {
  const a = hs23({ site: "A", value: 14 });
  const b = hs23({ site: "B", value: 15 });

  it("reads one document, an array, JSON lines and an OpenSearch answer", () => {
    expect(splitFeedText("f", "f.json", JSON.stringify(a))).toEqual([
      { feed: "f", source: "f.json", value: a },
    ]);
    expect(splitFeedText("f", "f.json", JSON.stringify([a, b])).map((i) => i.source)).toEqual([
      "f.json[0]",
      "f.json[1]",
    ]);
    expect(
      splitFeedText("f", "f.jsonl", `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`).map((i) => i.source),
    ).toEqual(["f.jsonl:1", "f.jsonl:2"]);
    const hits = {
      took: 3,
      hits: {
        total: { value: 2 },
        hits: [
          { _id: "1", _source: a },
          { _id: "2", _source: b },
        ],
      },
    };
    expect(splitFeedText("u", "https://db/x", JSON.stringify(hits)).map((i) => i.value)).toEqual([a, b]);
  });

  it("control characters in feed text never reach terminals or logs", () => {
    const doc = hs23({ site: "AGLT2\u001b[2J", value: 14, name: "HEPscore\u001b]0;x\u0007" });
    const result = parseRecord(item(doc), RULES);
    expect("skip" in result && result.skip.detail).toBe("HEPscore ]0;x; HEPscore23 required");
    const ok = parseRecord(item(hs23({ site: "AGLT2\u001b", value: 14 })), RULES);
    expect("sample" in ok && ok.sample.site).toBe("AGLT2");
  });

  it("reads nothing from an empty text", () => {
    expect(splitFeedText("f", "f.json", " \n")).toEqual([]);
  });
});
