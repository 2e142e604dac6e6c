import { describe, expect, it } from "vitest";
import { parseYaml } from "./parse-yaml.js";

const limits = { maxBytes: 1_048_576 };
const parse = (text: string | Uint8Array) =>
  parseYaml("q.yaml", typeof text === "string" ? new TextEncoder().encode(text) : text, limits);

describe("parseYaml", () => {
  it("returns plain data for plain YAML", () => {
    const result = parse("name: AGLT2\ncorecount: 8\nhc_suite: [AFT, PFT]\n");

    expect(result.problems).toEqual([]);
    expect(result.data).toEqual({ name: "AGLT2", corecount: 8, hc_suite: ["AFT", "PFT"] });
  });

  it.each([
    ["syntax error", "name: [AGLT2\ncorecount: 8\n", "yaml-syntax", 2],
    ["duplicate key", "name: A\ncorecount: 8\ncorecount: 16\n", "yaml-duplicate-key", 3],
    ["tab indentation", "astorages:\n\tpr: [X]\n", "yaml-tab", 2],
    ["python tag", "name: A\nx: !!python/object/apply:os.system [id]\n", "yaml-custom-tag", 2],
    ["js function tag", "name: A\nx: !!js/function 'function(){}'\n", "yaml-custom-tag", 2],
    ["local tag", "name: !secret A\n", "yaml-custom-tag", 1],
    ["alias", "a: &x 1\nb: *x\n", "yaml-alias", 2],
    ["merge key", "base: {a: 1}\n<<: {a: 2}\n", "yaml-merge-key", 2],
    ["complex key", "? [a, b]\n: 1\n", "yaml-complex-key", 1],
    ["empty file", "# only a comment\n", "yaml-empty", 1],
    ["list document", "- a\n- b\n", "yaml-not-mapping", 1],
    ["two documents", "a: 1\n---\nb: 2\n", "yaml-syntax", 2],
  ])("reports %s as %s at its line", (_name, text, code, line) => {
    const result = parse(text);

    expect(result.problems.map((p) => [p.code, p.line])).toContainEqual([code, line]);
    expect(result.data).toBeUndefined();
  });

  it("reports a BOM and still reads the rest", () => {
    const result = parse("\uFEFFname: A\n");

    expect(result.problems.map((p) => p.code)).toEqual(["encoding-bom"]);
    expect(result.data).toEqual({ name: "A" });
  });

  it("points at the first byte that is not UTF-8", () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode("name: A\ndescription: Annecy "),
      0xe0,
      0x20,
      0x0a,
    ]);

    const result = parse(bytes);

    expect(result.problems).toMatchObject([{ code: "encoding-invalid", line: 2, column: 21 }]);
    expect(result.data).toBeUndefined();
  });

  it("drops __proto__ and constructor keys without touching any prototype", () => {
    const result = parse(
      "name: A\n__proto__: {polluted: true}\nnested:\n  constructor: {prototype: {x: 1}}\n",
    );

    expect(result.problems.map((p) => [p.code, p.line])).toEqual([
      ["yaml-unsafe-key", 2],
      ["yaml-unsafe-key", 4],
      ["yaml-unsafe-key", 4],
    ]);
    expect(result.data).toEqual({ name: "A", nested: {} });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result.data)).toBe(Object.prototype);
  });

  it("refuses an alias bomb without expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++)
      levels.push(
        `${"abcdefghijkl"[i]}: &${"abcdefghijkl"[i]} [${Array(9)
          .fill(`*${"abcdefghijkl"[i - 1]}`)
          .join(", ")}]`,
      );

    const result = parse(`${levels.join("\n")}\n`);

    expect(result.problems.every((p) => p.code === "yaml-alias")).toBe(true);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.data).toBeUndefined();
  });

  it("refuses a file over the size limit before parsing it", () => {
    const result = parseYaml("big.yaml", new Uint8Array(10), { maxBytes: 100 }, 5_000_000);

    expect(result.problems).toMatchObject([{ code: "file-too-large", line: 1 }]);
  });

  it.each([
    ["flow brackets", `a: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`],
    [
      "flow brackets after a quote in a plain value",
      `a: it's ${"{x: ".repeat(5_000)}1${"}".repeat(5_000)}\n`,
    ],
    ["nested block lists", `${"- ".repeat(5_000)}x\n`],
  ])("reports absurd nesting (%s) as yaml-too-deep, not a crash", (_name, text) => {
    const result = parse(text);

    expect(result.problems.map((p) => p.code)).toEqual(["yaml-too-deep"]);
    expect(result.data).toBeUndefined();
  });

  it("accepts quotes and brackets inside quoted values", () => {
    const result = parse(`description: "${"[".repeat(200)}"\nnote: 'it''s {fine}'\n`);

    expect(result.problems).toEqual([]);
  });

  it("locates keys and values by field path", () => {
    const result = parse("name: A\nqueues:\n  - ce_endpoint: a.b:1\n    ce_flavour: X\n");

    expect(result.locate(["queues", 0, "ce_flavour"])).toEqual({ line: 4, column: 17 });
    expect(result.locate(["queues", 0, "ce_flavour"], "key")).toEqual({ line: 4, column: 5 });
    expect(result.locate(["missing"])).toEqual({ line: 1, column: 1 });
  });
});
