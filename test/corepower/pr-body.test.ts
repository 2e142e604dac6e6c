import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { botPolicy } from "../../src/core/corepower/apply.js";
import { MAX_BARS, renderChart } from "../../src/core/corepower/chart.js";
import type { PinRemoval, Point, Proposal, Target } from "../../src/core/corepower/model.js";
import {
  blockFor,
  blockKeys,
  parseBlock,
  planKeys,
  renderBlock,
  sameKeys,
} from "../../src/core/corepower/pr-block.js";
import {
  BODY_LIMIT,
  commitMessage,
  prTitle,
  renderBlockedComment,
  renderBody,
} from "../../src/core/corepower/pr-body.js";
import { readCorepowerSettings } from "../../src/core/corepower/settings.js";
import { evaluatePoints } from "../../src/core/corepower/stats.js";
import { PROJECT_ROOT } from "../helpers/repo.js";
import { CONFIG_SCHEMA, defaultSettings } from "./helpers.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const pts = (values: number[]): Point[] =>
  values.map((value, i) => ({
    value,
    timeMs: T0 + i * 86_400_000,
    time: new Date(T0 + i * 86_400_000).toISOString(),
    host: `h${i % 2}`,
  }));

function target(site: string, before: number, queue?: string): Target {
  const file = queue ? `sites/US/${site}/queues/${queue}.yaml` : `sites/US/${site}/site.yaml`;
  const path = queue ? "corepower" : "queue_defaults.corepower";
  return {
    key: `${file}#${path}`,
    cloud: "US",
    site,
    ...(queue ? { queue } : {}),
    file,
    path,
    before,
    queues: [{ name: `${site}_UCORE`, corecount: 8 }, { name: `ANALY_${site}` }],
  };
}

function proposal(site: string, before: number, values: number[], queue?: string): Proposal {
  const outcome = evaluatePoints(pts(values), defaultSettings());
  if (!outcome.ok) throw new Error(outcome.detail);
  const after = outcome.stats.value;
  const changePercent = ((after - before) / before) * 100;
  return {
    target: target(site, before, queue),
    after,
    changePercent,
    needsApproval: Math.abs(changePercent) > 20,
    method: "feed",
    samples: outcome.stats.kept.length,
    stats: outcome.stats,
    feeds: ["https://benchmarks.example/atlas"],
  };
}

const settings = defaultSettings({ ticket: "ADCINFR-77" });
const agl = proposal("AGLT2", 13.87, [14.8, 14.82, 14.79, 14.81, 14.8, 20]);
const big = proposal("MWT2", 13.88, [17.5, 17.52, 17.49, 17.51, 17.5]);
const removal: PinRemoval = {
  target: { ...target("NET2", 15.12), pin: { ticket: "GGUS:1234567", until: "2026-01-31" } },
  pin: { ticket: "GGUS:1234567", until: "2026-01-31" },
  path: "queue_defaults.corepower_pin",
};

function body(proposals: Proposal[], removals: PinRemoval[] = []) {
  return renderBody({
    cloud: "US",
    proposals,
    removals,
    skipped: [{ reason: "wrong-benchmark", source: "x", detail: "HEPscore19" }],
    settings,
    limitPercent: 20,
    policyRule: "corepower-bot",
    block: blockFor("US", "b".repeat(40), "c".repeat(40), proposals, removals),
  });
}

describe("pull-request title, commit and body", () => {
  it("the title carries the standing ticket; the commit names it in a Ticket trailer", () => {
    expect(prTitle("US", 2, settings)).toBe(
      "ADCINFR-77 corepower: cloud US: 2 values from HEPscore23 benchmarks",
    );
    expect(prTitle("US", 1, defaultSettings())).toBe(
      "corepower: cloud US: 1 value from HEPscore23 benchmarks",
    );
    expect(commitMessage("US", { proposals: [agl], removals: [removal], settings })).toBe(
      "corepower: cloud US: 2 changes from HEPscore23\n\n- AGLT2 queue_defaults.corepower: 13.87 -> 14.8\n- NET2 queue_defaults.corepower_pin: expired pin removed\n\nTicket: ADCINFR-77\n",
    );
  });

  it("has the table, the impact, the provenance, a chart per site and the hidden block", () => {
    const text = body([agl, big], [removal]);
    expect(text).toContain(
      "| AGLT2 | `queue_defaults.corepower` | 13.87 → **14.8** | +6.7 % | 5 (+1 outlier) | 2026-03-01 … 2026-03-05 | ±0.1 % |",
    );
    expect(text).toContain(
      "| MWT2 | `queue_defaults.corepower` | 13.88 → **17.5** | +26.1 % ⚠️ needs cloud-team approval |",
    );
    expect(text).toContain(
      "> [!WARNING]\n> 1 value changes by more than the ±20 % the bot may change on its own (policy rule `corepower-bot`)",
    );
    expect(text).toContain("| NET2 | `queue_defaults.corepower_pin` | GGUS:1234567 | 2026-01-31 |");
    expect(text).toContain("| AGLT2_UCORE | 8 | 110.96 | 118.4 | +6.7 % |");
    expect(text).not.toContain("| ANALY_AGLT2 |");
    expect(text).toContain("- Feeds: `https://benchmarks.example/atlas`");
    expect(text).toContain(
      "- Results: 10 used from 4 hosts, measured 2026-03-01T00:00:00.000Z to 2026-03-05T00:00:00.000Z; 1 outlier left out.",
    );
    expect(text).toContain("- Records skipped in this run: wrong-benchmark 1.");
    expect(text.match(/```mermaid/g)).toHaveLength(2);
    expect(parseBlock(text)).toEqual(blockFor("US", "b".repeat(40), "c".repeat(40), [agl, big], [removal]));
  });

  it("is the same text for the same plan (re-runs leave the pull request alone)", () => {
    expect(body([agl])).toBe(body([agl]));
  });

  it("stays under GitHub's body limit, dropping charts and impact first", () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      proposal(`SITE${i}`, 10, [11, 11.01, 11.02, 10.99, 10.98]),
    );
    const text = body(many);
    expect(text.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(parseBlock(text)?.values).toHaveLength(400);
  });
});

describe("the machine-readable block", () => {
  it("survives text that could end an HTML comment", () => {
    const odd = { ...agl, target: { ...agl.target, site: "X-->Y<!--" } };
    const block = blockFor("US", "b", "c", [odd], []);
    const rendered = renderBlock(block);
    expect(rendered.match(/-->/g)).toHaveLength(1);
    expect(parseBlock(`text\n${rendered}\nmore`)).toEqual(block);
  });

  it("is ignored when missing or edited out of shape", () => {
    expect(parseBlock("no block")).toBeUndefined();
    expect(parseBlock("<!-- siteops:corepower {not json} -->")).toBeUndefined();
    expect(parseBlock('<!-- siteops:corepower {"v":2} -->')).toBeUndefined();
  });

  it("keys compare values exactly: before, after and place", () => {
    const block = blockFor("US", "b", "c", [agl], [removal]);
    expect(sameKeys(blockKeys(block), planKeys([agl], [removal]))).toBe(true);
    expect(sameKeys(blockKeys(block), planKeys([{ ...agl, after: 14.81 }], [removal]))).toBe(false);
    expect(sameKeys(blockKeys(block), planKeys([agl], []))).toBe(false);
  });
});

describe("charts and comments", () => {
  it("draws results as bars and the current and proposed values as lines", () => {
    expect(renderChart({ title: 'A "b"', points: pts([14, 14.2]), current: 13.87, proposed: 14.1 })).toBe(
      [
        "```mermaid",
        "xychart-beta",
        `  title "A 'b'"`,
        '  x-axis ["03-01", "03-02"]',
        '  y-axis "HS23 per core" 13.7 --> 14.3',
        "  bar [14, 14.2]",
        "  line [13.87, 13.87]",
        "  line [14.1, 14.1]",
        "```",
      ].join("\n"),
    );
    expect(renderChart({ title: "x", points: [], current: 1, proposed: 2 })).toBeUndefined();
  });

  it("groups many results into at most MAX_BARS bars", () => {
    const chart = renderChart({
      title: "x",
      points: pts(Array.from({ length: 200 }, (_, i) => 14 + (i % 5) / 100)),
      current: 13,
      proposed: 14,
    });
    const bars = /bar \[(.*)\]/.exec(chart!)![1]!.split(", ");
    expect(bars.length).toBeLessThanOrEqual(MAX_BARS);
  });

  it("the blocked comment names the other commits and the newer values", () => {
    const text = renderBlockedComment(
      "siteops/corepower/US",
      [agl],
      [],
      [{ sha: "f".repeat(40), author: "Jane <j@x>" }],
    );
    expect(text).toContain("it has commits by someone else (ffffffffffff by Jane <j@x>)");
    expect(text).toContain("| AGLT2 | `queue_defaults.corepower` | 13.87 → 14.8 |");
  });
});

describe("settings and the bot's policy", () => {
  it("defaults come from the corepower section of the config schema", () => {
    const { settings: s, warnings } = readCorepowerSettings({}, CONFIG_SCHEMA);
    expect(warnings).toEqual([]);
    expect(s).toMatchObject({
      benchmark: "HEPscore23",
      windowDays: 90,
      minSamples: 5,
      decimals: 2,
      thresholdPercent: 5,
      branchPrefix: "siteops/corepower/",
      baseBranch: "main",
      bot: { login: "siteops-corepower[bot]" },
    });
    expect(s.ticket).toBeUndefined();
  });

  it("unusable values fall back to defaults with a warning saying where", () => {
    const { settings: s, warnings } = readCorepowerSettings(
      { corepower: { window_days: -3, ticket: "ADCINFR-1", decimals: 2.5 } },
      CONFIG_SCHEMA,
    );
    expect(s.windowDays).toBe(90);
    expect(s.decimals).toBe(2);
    expect(s.ticket).toBe("ADCINFR-1");
    expect(warnings).toEqual([
      "siteops.config.yaml: corepower.window_days has an unusable value -3; using the default. Fix it as described in docs/corepower.md.",
      "siteops.config.yaml: corepower.decimals has an unusable value 2.5; using the default. Fix it as described in docs/corepower.md.",
    ]);
  });

  it("reads the bot's limits from the default policy rule corepower-bot (±20 %)", () => {
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, "schemas", "config.schema.json"), "utf8"));
    const rules = schema.properties.policy.properties.rules.default;
    expect(botPolicy(rules, "siteops-corepower[bot]")).toEqual({
      limits: { corepower: 20, "queue_defaults.corepower": 20 },
      rule: "corepower-bot",
    });
    expect(botPolicy(rules, "someone-else[bot]").limits).toEqual({
      corepower: 0,
      "queue_defaults.corepower": 0,
    });
  });
});
