import { describe, expect, it } from "vitest";
import { readCorepowerSettings } from "../../src/core/corepower/settings.js";
import { CONFIG_SCHEMA } from "./helpers.js";

/** The config schema with `change` applied to a copy of its `corepower` section. */
function withCorepower(change: (section: Record<string, Record<string, unknown>>) => void): unknown {
  const schema = structuredClone(CONFIG_SCHEMA) as {
    properties: { corepower: { properties: Record<string, Record<string, unknown>> } };
  };
  change(schema.properties.corepower.properties);
  return schema;
}

describe("corepower settings", () => {
  it("take their defaults from the config schema, not from code", () => {
    const schema = withCorepower((p) => {
      p.window_days!.default = 30;
      p.branch_prefix!.default = "bots/corepower/";
    });

    const { settings, warnings } = readCorepowerSettings({}, schema);

    expect(warnings).toEqual([]);
    expect(settings.windowDays).toBe(30);
    expect(settings.branchPrefix).toBe("bots/corepower/");
  });

  it.each([
    ["window_days", 3651, "above the schema's maximum"],
    ["window_days", 0, "below its minimum"],
    ["outlier_mad_k", 0, "not above its exclusive minimum"],
    ["decimals", 1.5, "not an integer"],
    ["branch_prefix", "no-slash", "not matching its pattern"],
    ["approval_label", "x".repeat(51), "longer than its maxLength"],
    ["base_branch", "   ", "blank"],
  ] as [string, unknown, string][])("replace %s = %j (%s) by the default, with a warning", (field, value) => {
    const { settings, warnings } = readCorepowerSettings({ corepower: { [field]: value } }, CONFIG_SCHEMA);
    const defaults = readCorepowerSettings({}, CONFIG_SCHEMA).settings;

    expect(settings).toEqual(defaults);
    expect(warnings).toEqual([
      `siteops.config.yaml: corepower.${field} has an unusable value ${JSON.stringify(value)}; using the default. Fix it as described in docs/corepower.md.`,
    ]);
  });

  it("follow a range changed in the schema", () => {
    const schema = withCorepower((p) => {
      p.window_days!.maximum = 5000;
    });

    expect(readCorepowerSettings({ corepower: { window_days: 4000 } }, schema).settings.windowDays).toBe(
      4000,
    );
    expect(
      readCorepowerSettings({ corepower: { window_days: 4000 } }, CONFIG_SCHEMA).settings.windowDays,
    ).toBe(90);
  });
});
