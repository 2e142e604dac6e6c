import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import jsYaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { IMPLICIT_TYPES, readPlainYaml } from "./plain-yaml.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");

/** What js-yaml reads, or `undefined` when it refuses the text. */
function jsYamlData(text: string): unknown {
  try {
    return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
}

function bundledTexts(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".yaml")) out.push({ path, text: readFileSync(path, "utf8") });
    }
  };
  walk(join(ROOT, "sites"));
  return out;
}

describe("the block-YAML reader", () => {
  it("reads every bundled file itself, to exactly what js-yaml reads", () => {
    const texts = bundledTexts();

    for (const { path, text } of texts) {
      const data = readPlainYaml(text);
      expect(data, `${path} was left to js-yaml`).toBeDefined();
      expect(isDeepStrictEqual(data, jsYamlData(text)), path).toBe(true);
    }
    expect(texts.length).toBeGreaterThan(200);
  });

  it("resolves plain scalars with the core schema's own types, in its order", () => {
    const schema = jsYaml.CORE_SCHEMA as unknown as { implicit: jsYaml.Type[] };

    expect(IMPLICIT_TYPES).toEqual(schema.implicit);
    expect(IMPLICIT_TYPES.map((type) => (type as unknown as { tag: string }).tag)).toEqual([
      "tag:yaml.org,2002:null",
      "tag:yaml.org,2002:bool",
      "tag:yaml.org,2002:int",
      "tag:yaml.org,2002:float",
    ]);
  });

  it.each([
    [
      "scalars of the core schema",
      "a: 1\nb: -0\nc: 0x1F\nd: 1e3\ne: .inf\nf: ~\ng: True\nh: yes\ni: 012\nj: +1_000\n",
    ],
    [
      "numbers it converts itself, and their neighbours",
      "a: -0\nb: 0\nc: 12\nd: -12.50\ne: 0.0\nf: -0.0\ng: 123456789012345\nh: 12345678901234567890\ni: 1.\nj: 00.5\n",
    ],
    ["quoted scalars", "a: '1'\nb: \"true\"\nc: 'it''s'\nd: \"\"\ne: ''  # empty\n"],
    ["comments and blank lines", "# head\na: x # note\n\n  # indented note\nb: x#y\n"],
    [
      "lists at the key's indent and deeper",
      "a:\n- x\n- y\nb:\n  - 1\n  -\n  - - \nc: z\n".replace("- - \n", "-\n"),
    ],
    [
      "list items that are mappings",
      "q:\n  - ce: a.b:9619\n    state: ACTIVE\n  -   x: 1\n      y:\n        - 2\n",
    ],
    ["empty values and collections", "a:\nb: []\nc: {}\nd:\n  e:\n"],
    ["a root indented as a whole", "  a: 1\n  b:\n    c: 2\n"],
    ["text with colons, dashes and hashes", "url: https://x.example:8443/p?a=1\nx: a-b - c\nwn: full#IPv4\n"],
  ])("reads %s like js-yaml", (_name, text) => {
    const data = readPlainYaml(text);

    expect(data).toBeDefined();
    expect(isDeepStrictEqual(data, jsYamlData(text))).toBe(true);
  });

  it.each([
    ["a block scalar", "a: |\n  two\n  lines\n"],
    ["a folded scalar", "a: >-\n  folded\n"],
    ["a plain scalar over two lines", "a: one\n  two\n"],
    ["a quoted scalar over two lines", 'a: "one\n  two"\n'],
    ["an escape", 'a: "x\\ty"\n'],
    ["a flow list with content", "a: [1, 2]\n"],
    ["a flow mapping with content", "a: {b: 1}\n"],
    ["an anchor and an alias", "a: &x 1\nb: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a quoted key", '"a": 1\n'],
    ["a key with a space", "a b: 1\n"],
    ["a key that reads as a number", "1: a\n"],
    ["a key that reads as a boolean", "True: a\n"],
    ["a key shadowing Object's own", "toString: a\n"],
    ["a nested list on one line", "a:\n  - - b\n"],
    ["an explicit key", "? a\n: 1\n"],
    ["a mapping inside a value", "a: b: c\n"],
    ["a document marker", "---\na: 1\n"],
    ["a directive", "%YAML 1.2\n---\na: 1\n"],
    ["Windows line ends", "a: 1\r\nb: 2\r\n"],
    ["a tab", "a:\t1\n"],
    ["a control character", "a: \u0007\n"],
    ["odd indentation", "a:\n    b: 1\n  c: 2\n"],
    ["a list as the document", "- a\n- b\n"],
    ["a scalar as the document", "just text\n"],
    ["no content", "# nothing\n\n"],
  ])("leaves %s to js-yaml", (_name, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });

  it("never reads a text differently from js-yaml, on documents of every shape and broken variants", () => {
    let runs = 0;
    let jsYamlReads = 0;
    let readItself = 0;

    fc.assert(
      fc.property(documentText, (text) => {
        runs++;
        const expected = jsYamlData(text);
        if (expected !== undefined) jsYamlReads++;
        const data = readPlainYaml(text);
        if (data === undefined) return true;
        readItself++;
        return isDeepStrictEqual(data, expected);
      }),
      { numRuns: 20_000 },
    );
    // Without these the property could hold by testing broken texts only, or by the reader
    // giving up on everything.
    expect(jsYamlReads / runs).toBeGreaterThan(0.3);
    expect(readItself / jsYamlReads).toBeGreaterThan(0.5);
  });
});

// Documents for the property: nested mappings and lists of tricky scalars and keys, written in
// every block style (indent widths, lists at the key's indent or deeper, `- key:` items,
// comments), then sometimes broken by a line inserted at a random place and indent.
// Tokens the reader handles are common; tokens it must leave to js-yaml are rare, so that most
// documents are read by it and the rest still probe every way of giving up.
const key = fc.oneof(
  { arbitrary: fc.constantFrom("a", "b", "ce_state", "x.y", "a-b", "_k", "k/1", "Null_x"), weight: 100 },
  { arbitrary: fc.constantFrom("1", "True", "null", "a b", '"q"', "-a", "toString", "a:b"), weight: 1 },
);
const scalarToken = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      ...["1", "-1", "-0", "0x1F", "0o7", "1e3", "1.5", ".5", ".inf", "-.Inf", ".NaN", "1_000", "+3", "012"],
      ...["0b11", "~", "null", "Null", "true", "FALSE", "yes", "on", "x", "x  y", "a:b", "a #c", "a#b", "x "],
      ...["'s'", "'it''s'", '"d"', "[]", "{}", "'#'", "-x", ":x", "?x", "''", '""', "1:2", "x-", "a - b"],
    ),
    weight: 150,
  },
  {
    arbitrary: fc.constantFrom(
      ...["a: b", "a:", "'x' y", '"a\\n"', '"x"#', "[ ]", "[1]", "{a: 1}", "- x", "|", ">", "&a x", "*a"],
      ...["!t x", "%x", "@x", "`x", ",x", "#c", "-", "? x", "---", "..."],
    ),
    weight: 1,
  },
);
type Shape = { scalar: string } | { map: [string, Shape][] } | { list: Shape[] };
const { shape } = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarToken.map((scalar) => ({ scalar })),
    fc
      .uniqueArray(fc.tuple(key, tie("shape")), { minLength: 1, maxLength: 4, selector: ([k]) => k })
      .map((map) => ({ map })),
    fc.array(tie("shape"), { minLength: 1, maxLength: 4 }).map((list) => ({ list })),
  ),
}));
const style = fc.record({
  step: fc.integer({ min: 1, max: 4 }),
  listAtKeyIndent: fc.boolean(),
  comments: fc.boolean(),
});
type Style = { step: number; listAtKeyIndent: boolean; comments: boolean };

function write(node: Shape, indent: number, s: Style, out: string[], lead: string): void {
  const pad = " ".repeat(indent);
  if ("scalar" in node) {
    out.push(`${lead}${node.scalar}`);
  } else if ("map" in node) {
    node.map.forEach(([k, v], i) => {
      const first = i === 0 ? lead : pad;
      if ("scalar" in v) out.push(`${first}${k}: ${v.scalar}${s.comments ? " # c" : ""}`);
      else {
        out.push(`${first}${k}:`);
        if (s.comments) out.push(`${pad}  # c`);
        const inner = "list" in v && s.listAtKeyIndent ? indent : indent + s.step;
        write(v, inner, s, out, " ".repeat(inner));
      }
    });
  } else {
    for (const item of node.list) {
      if ("list" in item) {
        // `- - x` is left to the careful parser; a list in a list is written with the dash alone.
        out.push(`${pad}-`);
        write(item, indent + 2, s, out, " ".repeat(indent + 2));
      } else write(item, indent + 2, s, out, `${pad}- `);
    }
  }
}

const documentText = fc
  .tuple(
    fc.uniqueArray(fc.tuple(key, shape), { minLength: 1, maxLength: 5, selector: ([k]) => k }),
    style,
    fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 }), scalarToken), { freq: 3 }),
  )
  .map(([entries, s, extra]) => {
    const out: string[] = [];
    write({ map: entries }, 0, s, out, "");
    if (extra) out.splice(extra[0] % (out.length + 1), 0, `${" ".repeat(extra[1])}${extra[2]}`);
    return `${out.join("\n")}\n`;
  });
