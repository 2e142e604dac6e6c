import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDump } from "./dump.js";
import { guessType } from "./endpoints.js";
import { planSiteInheritance, readInheritance } from "./inherit.js";
import { writeYaml } from "./yaml-out.js";

describe("readInheritance", () => {
  it("reads the 2022 `*_on` shape: the PanDA site's value, else the resource centre's", () => {
    const data = {
      corepower: 10.01,
      corepower_on: false,
      parent_corepower: 10.0,
      parent_corepower_on: false,
      parent_rc_site_corepower: 16.886,
      parent_site_corepower: 10.0,
      parent_site_corepower_on: false,
    };
    expect(readInheritance({ corepower: 10, corepower_data: data }, "corepower")).toMatchObject({
      own: false,
      siteValue: 10,
    });
    expect(
      readInheritance({ corepower_data: { ...data, parent_site_corepower: null } }, "corepower").siteValue,
    ).toBe(16.886);
    expect(readInheritance({ corepower_data: { ...data, corepower_on: true } }, "corepower").own).toBe(true);
    // A value from the virtual parent queue is the queue's own in siteops (no parent inheritance).
    expect(readInheritance({ corepower_data: { ...data, parent_corepower_on: true } }, "corepower").own).toBe(
      true,
    );
  });

  it("reads the 2026 `scope` shape", () => {
    expect(
      readInheritance({ corepower_data: { corepower: 13.51, scope: "rcsite" } }, "corepower"),
    ).toMatchObject({
      own: false,
      siteValue: 13.51,
    });
    expect(readInheritance({ maxdiskio_data: { maxdiskio: 5000, scope: "local" } }, "maxdiskio").own).toBe(
      true,
    );
    expect(readInheritance({}, "coreenergy").own).toBe(true);
  });
});

describe("planSiteInheritance", () => {
  const site = (scope: string, value: number) => ({ corepower_data: { corepower: value, scope } });

  it("moves the value the inheriting queues agree on to the site and keeps overrides", () => {
    const plan = planSiteInheritance(
      new Map([
        ["A", { corepower: 12, ...site("site", 12) }],
        ["B", { corepower: 12, ...site("rcsite", 12) }],
        ["C", { corepower: 15, ...site("local", 15) }],
      ]),
      ["corepower"],
    );
    expect(plan.defaults).toEqual({ corepower: 12 });
    expect([...plan.inherits.keys()]).toEqual(["A", "B"]);
  });

  it("sets no default when the site values disagree, or when a queue has no value", () => {
    const disagree = planSiteInheritance(
      new Map([
        ["A", { corepower: 12, ...site("site", 12) }],
        ["B", { corepower: 13, ...site("site", 13) }],
      ]),
      ["corepower"],
    );
    expect(disagree.defaults).toEqual({});
    expect(disagree.inherits.size).toBe(0);
    expect(disagree.siteNotes[0]?.message).toContain("report different site values");
    const missing = planSiteInheritance(
      new Map([
        ["A", { corepower: 12, ...site("site", 12) }],
        ["B", {}],
      ]),
      ["corepower"],
    );
    expect(missing.defaults).toEqual({});
  });
});

describe("writeYaml", () => {
  it("quotes strings YAML 1.1 or 1.2 readers would take for numbers, booleans, nulls or dates", () => {
    const tricky = [
      "3",
      "True",
      "yes",
      "off",
      "1e3",
      "0777",
      "1_000",
      "2022-01-01",
      "null",
      "~",
      "",
      "3.12.4.1",
    ];
    const data = Object.fromEntries(tricky.map((s, i) => [`k${i}`, s]));
    const text = writeYaml({ ...data, plain: "None", list: ["AUTO"] });
    for (const value of tricky) expect(text).toContain(`"${value}"`);
    expect(text).toContain("plain: None");
    expect(parse(text)).toEqual({ ...data, plain: "None", list: ["AUTO"] });
  });
});

describe("parseDump", () => {
  it("takes a bare queue object (pilot cache) as a one-queue dump", () => {
    const result = parseDump('{"name": "CERN", "cloud": "CERN"}', "pandaqueues", "q.json");
    expect([...(result.dump?.objects.keys() ?? [])]).toEqual(["CERN"]);
  });

  it("says where truncated JSON ends", () => {
    const result = parseDump('{\n  "A": {\n    "name": "A",', "pandaqueues", "q.json");
    expect(result.problems[0]?.message).toMatch(/^q\.json: is not valid JSON at line 3, column \d+ /);
  });
});

describe("guessType", () => {
  it("follows the token for common kinds, SPECIAL otherwise", () => {
    expect(["DATADISK", "MCTAPE", "DATATAPE", "ES", "PHYS-HIGGS"].map(guessType)).toEqual([
      "DATADISK",
      "MCTAPE",
      "DATATAPE",
      "OS_ES",
      "SPECIAL",
    ]);
  });
});
