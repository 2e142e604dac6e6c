import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyYamlEdits, formatNumber } from "../../src/core/corepower/yaml-edit.js";
import { PROJECT_ROOT } from "../helpers/repo.js";

const SITE = "sites/US/AGLT2/site.yaml";
const QUEUE = "sites/US/AGLT2/queues/AGLT2.yaml";
const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), "utf8");

/** The lines that differ between two texts of the same line count, as [line, before, after]. */
function changedLines(before: string, after: string): [number, string, string][] {
  const a = before.split("\n");
  const b = after.split("\n");
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[i + 1, line, b[i]!] as [number, string, string]]));
}

function edited(file: string, text: string, ...args: Parameters<typeof applyYamlEdits>[2]): string {
  const result = applyYamlEdits(file, text, args);
  if ("error" in result) throw new Error(result.error);
  return result.text;
}

describe("byte-preserving corepower edits of the bundled files", () => {
  it("a site default: exactly the corepower line differs; comments, quotes and order stay", () => {
    const before = read(SITE);
    const after = edited(SITE, before, { kind: "set", path: ["queue_defaults", "corepower"], value: 14.8 });
    expect(changedLines(before, after)).toEqual([[15, "  corepower: 13.87", "  corepower: 14.8"]]);
    expect(after.startsWith("# ATLAS site AGLT2 — US cloud, T2D (resource centre AGLT2, US-AGLT2)\n")).toBe(
      true,
    );
    expect(after).toContain('  - "@atlas-siteops/site-aglt2"');
    expect(after.length - before.length).toBe(-1);
  });

  it("a queue override: exactly the corepower line differs", () => {
    const before = read(QUEUE);
    const after = edited(QUEUE, before, { kind: "set", path: ["corepower"], value: 15.31 });
    const changed = changedLines(before, after);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.slice(1)).toEqual(["corepower: 14.54", "corepower: 15.31"]);
    expect(after).toContain('pilot_version: "3.12.4.1"');
    expect(after).toContain('harvester_template: ""');
  });

  it("keeps a comment after the value and the value's column", () => {
    const text = "name: X\nqueue_defaults:\n  corepower:   13.87   # HS23 campaign 2025\n  maxdiskio: 5000\n";
    expect(edited("x", text, { kind: "set", path: ["queue_defaults", "corepower"], value: 14.25 })).toBe(
      "name: X\nqueue_defaults:\n  corepower:   14.25   # HS23 campaign 2025\n  maxdiskio: 5000\n",
    );
  });

  it("edits inside a flow mapping and keeps a decimal point the original had (10.0 -> 11.0)", () => {
    const text = "queue_defaults: {corepower: 10.0, maxdiskio: 5000} # site default\n";
    expect(edited("x", text, { kind: "set", path: ["queue_defaults", "corepower"], value: 11 })).toBe(
      "queue_defaults: {corepower: 11.0, maxdiskio: 5000} # site default\n",
    );
    expect(formatNumber(11, "10")).toBe("11");
  });

  it("keeps CRLF line ends", () => {
    const text = "name: X\r\ncorepower: 12.5\r\ncorecount: 8\r\n";
    expect(edited("x", text, { kind: "set", path: ["corepower"], value: 13.25 })).toBe(
      "name: X\r\ncorepower: 13.25\r\ncorecount: 8\r\n",
    );
  });

  it("any new value changes only that line (property)", () => {
    const before = read(SITE);
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 9999 }), (hundredths) => {
        const value = hundredths / 100;
        const after = edited(SITE, before, { kind: "set", path: ["queue_defaults", "corepower"], value });
        const changed = changedLines(before, after);
        return (
          (value === 13.87 && changed.length === 0) ||
          (changed.length === 1 && changed[0]![2] === `  corepower: ${formatNumber(value, ".")}`)
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe("removing an expired pin", () => {
  const text = [
    "# site",
    "name: DESY-HH",
    "queue_defaults:",
    "  corepower: 13.15 # measured",
    "  # pinned during the migration",
    "  corepower_pin:",
    "    ticket: GGUS:7654321",
    "    until: 2026-01-31",
    "  maxdiskio: 5000",
    "contacts: []",
    "",
  ].join("\n");

  it("removes the pin's lines only, with the value set in the same pass", () => {
    const after = edited(
      "x",
      text,
      { kind: "set", path: ["queue_defaults", "corepower"], value: 14.5 },
      { kind: "remove", path: ["queue_defaults", "corepower_pin"] },
    );
    expect(after).toBe(
      [
        "# site",
        "name: DESY-HH",
        "queue_defaults:",
        "  corepower: 14.5 # measured",
        "  # pinned during the migration",
        "  maxdiskio: 5000",
        "contacts: []",
        "",
      ].join("\n"),
    );
  });

  it("removes a one-line flow pin at the end of a file without a final newline", () => {
    const queue = "name: Q\ncorepower: 13.5\ncorepower_pin: {ticket: ADCINFR-9, until: 2026-01-01}";
    expect(edited("q", queue, { kind: "remove", path: ["corepower_pin"] })).toBe(
      "name: Q\ncorepower: 13.5\n",
    );
  });

  it("refuses what it cannot edit exactly, and changes nothing", () => {
    const flow = "queue_defaults: {corepower: 13, corepower_pin: {ticket: X}}\n";
    expect(
      applyYamlEdits("f.yaml", flow, [{ kind: "remove", path: ["queue_defaults", "corepower_pin"] }]),
    ).toEqual({
      error:
        "f.yaml: queue_defaults.corepower_pin is inside a flow mapping `{...}`, which is not edited automatically.",
    });
    expect(
      applyYamlEdits("f.yaml", "corepower: '13.5'\n", [{ kind: "set", path: ["corepower"], value: 14 }]),
    ).toEqual({
      error: "f.yaml: corepower is not a number in the file.",
    });
    expect(
      applyYamlEdits("f.yaml", "name: [\n", [{ kind: "set", path: ["corepower"], value: 14 }]),
    ).toMatchObject({
      error: expect.stringContaining("f.yaml: is not valid YAML"),
    });
  });
});
