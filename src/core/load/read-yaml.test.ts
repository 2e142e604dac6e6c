import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SourceFile } from "../model.js";
import { PROBLEM_CODES } from "../validate/catalogue.js";
import { SCHEMA_FILES, type SchemaSet } from "../validate/schema-validator.js";
import { validateTree } from "../validate/validate-tree.js";
import { parseYaml } from "./parse-yaml.js";
import { NEEDS_CAREFUL_PARSE_PATTERN, needsCarefulParse, readYaml } from "./read-yaml.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const limits = { maxBytes: 1_048_576 };

function treeFiles(): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push({ path: relative(ROOT, path), bytes: readFileSync(path) });
    }
  };
  walk(join(ROOT, "sites"));
  return out;
}

const schemas = Object.fromEntries(
  Object.entries(SCHEMA_FILES).map(([kind, file]) => [
    kind,
    JSON.parse(readFileSync(join(ROOT, "schemas", file), "utf8")),
  ]),
) as SchemaSet;

/** Every example file of the problem catalogue: the bad inputs the fast path must hand over intact. */
const exampleFiles = PROBLEM_CODES.flatMap((info) =>
  Object.entries(info.example?.write ?? {}).map(([path, content]) => ({
    name: `${info.code}: ${path}`,
    bytes: Buffer.from(content, info.example?.latin1 ? "latin1" : "utf8"),
  })),
);

describe("the fast YAML path", () => {
  it("reads every bundled file to the same data as the careful parser", () => {
    const files = treeFiles();

    for (const file of files) {
      const fast = readYaml(file.path, file.bytes, limits);
      const careful = parseYaml(file.path, file.bytes, limits);
      expect(fast.data, file.path).toEqual(careful.data);
      expect(fast.problems, file.path).toEqual(careful.problems);
    }
    expect(files.length).toBeGreaterThan(200);
  });

  it.each(exampleFiles)("gives the careful parser's result for the bad input $name", ({ bytes }) => {
    const fast = readYaml("x.yaml", bytes, limits);
    const careful = parseYaml("x.yaml", bytes, limits);

    expect(fast.data).toEqual(careful.data);
    expect(fast.problems).toEqual(careful.problems);
  });

  it.each([
    ["YAML 1.1 booleans stay strings", "a: yes\nb: on\nc: true\n"],
    ["dates stay strings", "a: 2026-01-01\nb: 2026-01-01T10:00:00Z\n"],
    ["octal and hex", "a: 0o14\nb: 0x1F\nc: 012\n"],
    ["special floats and nulls", "a: .inf\nb: -.Inf\nc: .nan\nd: ~\ne: null\nf:\n"],
    ["quoted and block scalars", "a: '1'\nb: \"x\\ty\"\nc: |\n  two\n  lines\nd: >-\n  folded\n  text\n"],
    ["numbers with signs and exponents", "a: +12\nb: -1.5e3\nc: 1e-2\nd: 1_000\n"],
    ["flow collections", "a: [1, two, {c: 3}]\nb: {}\n"],
    ["keys that look like numbers", "1: a\n2.5: b\ntrue: c\n"],
    ["a reserved key", "a: 1\nprototype: 2\n"],
    ["reserved keys deeper down", "a:\n  - constructor: 1\n  - b:\n      __proto__: 2\n"],
    ["indicator characters inside plain text", "a: x&y *z!\nb: c<<d\nc: e [[f]] - - g\nd: constructor\n"],
    [
      "deep indentation",
      `a:${Array.from({ length: 70 }, (_, i) => `\n${"  ".repeat(i + 1)}k${i}:`).join("")} 1\n`,
    ],
  ])("agrees with the careful parser on %s", (_name, text) => {
    const bytes = new TextEncoder().encode(text);
    const fast = readYaml("x.yaml", bytes, limits);
    const careful = parseYaml("x.yaml", bytes, limits);

    expect(fast.data).toEqual(careful.data);
    expect(fast.problems).toEqual(careful.problems);
  });

  it("locates problems of a fast-read file exactly like the careful parser", () => {
    const bytes = new TextEncoder().encode("name: A\nqueues:\n  - ce_endpoint: a.b:1\n    ce_flavour: X\n");

    const fast = readYaml("q.yaml", bytes, limits);
    const careful = parseYaml("q.yaml", bytes, limits);

    expect(fast.locate(["queues", 0, "ce_flavour"])).toEqual(careful.locate(["queues", 0, "ce_flavour"]));
    expect(fast.locate(["queues", 0, "ce_flavour"], "key")).toEqual({ line: 4, column: 5 });
  });

  it("validates a broken tree to the same problems on both paths", () => {
    const files = treeFiles();
    const broken = files.map((f) =>
      f.path.endsWith("AGLT2/queues/AGLT2.yaml")
        ? {
            ...f,
            bytes: Buffer.from(
              f.bytes.toString().replace("maxrss:", "maxrs:").replace("type: unified", "type: unifed"),
            ),
          }
        : f,
    );

    const fast = validateTree({ files: broken, readProblems: [], configFile: undefined, schemas });
    const careful = validateTree({
      files: broken,
      readProblems: [],
      configFile: undefined,
      schemas,
      parser: "careful",
    });

    expect(fast.problems).toEqual(careful.problems);
    expect(fast.problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(["schema-unknown-field", "schema-enum"]),
    );
  });
});

describe("the test for files that need the careful parser", () => {
  const same = (text: string) =>
    expect(needsCarefulParse(text), JSON.stringify(text)).toBe(NEEDS_CAREFUL_PARSE_PATTERN.test(text));

  it("answers like the single expression on every bundled file and every bad input", () => {
    for (const file of treeFiles()) same(Buffer.from(file.bytes).toString("utf8"));
    for (const file of exampleFiles) same(file.bytes.toString("utf8"));
  });

  it.each([
    "a: 1\n",
    "? a\n: 1\n",
    "a: 1\n  ?\n",
    "url: https://x.example/?a=1\n",
    "a:\n- - b\n",
    "a:\n  -  -\tb\n",
    "a: x - - y\n",
    "\u00a0? a\n",
    "a: 1\u2028? b\n",
    "a: 1\r? b\n",
    `a:\n${" ".repeat(129)}b: 1\n`,
    `a: "${" ".repeat(129)}"\n`,
    "a: [ [1] ]\n",
  ])("answers like the single expression on %j", (text) => {
    same(text);
  });

  it("answers like the single expression on any text made of the characters it looks at", () => {
    const char = fc.constantFrom(
      " ",
      " ",
      "\t",
      "\n",
      "\r",
      "-",
      "-",
      "?",
      "a",
      ":",
      "[",
      "{",
      "\u00a0",
      "\u2028",
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), (chars) => {
        const text = chars.join("");
        return needsCarefulParse(text) === NEEDS_CAREFUL_PARSE_PATTERN.test(text);
      }),
      { numRuns: 5000 },
    );
  });
});
