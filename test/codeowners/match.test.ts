import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  codeownersLookup,
  compilePattern,
  ownersOf,
  parseCodeowners,
  patternCovers,
} from "../../src/core/codeowners/index.js";

interface Row {
  rule: string;
  /** CODEOWNERS lines, in file order. */
  lines: string[];
  path: string;
  /** The owners GitHub requests; [] for none (unmatched, or matched by a rule without owners). */
  owners: string[];
}

const row = (rule: string, lines: string[], path: string, owners: string[]): Row => ({
  rule,
  lines,
  path,
  owners,
});

// Each row is one GitHub rule from docs.github.com "About code owners" (see docs/codeowners.md).
const ROWS: Row[] = [
  row("last match wins (specific after general)", ["* @all", "*.yaml @yaml"], "sites/US/cloud.yaml", [
    "@yaml",
  ]),
  row("last match wins (general after specific)", ["*.yaml @yaml", "* @all"], "sites/US/cloud.yaml", [
    "@all",
  ]),
  row("the same pattern twice: only the later line, no merging", ["/docs/ @a", "/docs/ @b"], "docs/x.md", [
    "@b",
  ]),
  row("several owners on one line", ["/docs/ @a @org/team me@example.org"], "docs/x.md", [
    "@a",
    "@org/team",
    "me@example.org",
  ]),
  row("no rule matches: no owners", ["/docs/ @a"], "src/x.ts", []),
  row("leading / anchors to the root", ["/build @a"], "build/out.txt", ["@a"]),
  row("anchored pattern does not match deeper", ["/build @a"], "src/build/out.txt", []),
  row("no slash: matches at any depth", ["build @a"], "src/build/out.txt", ["@a"]),
  row("middle slash anchors too", ["docs/api @a"], "src/docs/api/x.md", []),
  row("*.yaml anywhere (root)", ["*.yaml @a"], "siteops.config.yaml", ["@a"]),
  row("*.yaml anywhere (deep)", ["*.yaml @a"], "sites/US/AGLT2/queues/AGLT2.yaml", ["@a"]),
  row("*.yaml does not match .yml", ["*.yaml @a"], "sites/US/notes.yml", []),
  row("docs/* matches files directly in docs", ["docs/* @a"], "docs/getting-started.md", ["@a"]),
  row("docs/* is not recursive", ["docs/* @a"], "docs/build-app/troubleshooting.md", []),
  row("docs/* is anchored", ["docs/* @a"], "src/docs/x.md", []),
  row("docs/ matches everything below", ["docs/ @a"], "docs/build-app/troubleshooting.md", ["@a"]),
  row("docs/ matches a docs folder anywhere", ["docs/ @a"], "src/docs/x.md", ["@a"]),
  row("docs/ does not match a file named docs", ["docs/ @a"], "docs", []),
  row("/docs/ matches below the root docs", ["/docs/ @a"], "docs/deep/er/x.md", ["@a"]),
  row("/docs/ does not match a nested docs", ["/docs/ @a"], "src/docs/x.md", []),
  row("* does not cross /", ["/docs/*.md @a"], "docs/sub/x.md", []),
  row("* within one segment", ["/docs/*.md @a"], "docs/x.md", ["@a"]),
  row("/* matches root files only", ["/* @a"], "README.md", ["@a"]),
  row("/* is not recursive", ["/* @a"], "docs/x.md", []),
  row("? is one character", ["/file?.txt @a"], "file1.txt", ["@a"]),
  row("? is exactly one character", ["/file?.txt @a"], "file10.txt", []),
  row("**/logs at the root", ["**/logs @a"], "logs/x.log", ["@a"]),
  row("**/logs deeply nested", ["**/logs @a"], "deeply/nested/logs/x.log", ["@a"]),
  row("**/logs needs the whole name", ["**/logs @a"], "build/logsx/x.log", []),
  row("apps/** matches everything below apps", ["apps/** @a"], "apps/web/src/x.ts", ["@a"]),
  row("apps/** is anchored", ["apps/** @a"], "src/apps/x.ts", []),
  row("a/**/b with nothing between", ["a/**/b @a"], "a/b", ["@a"]),
  row("a/**/b with folders between", ["a/**/b @a"], "a/x/y/b/file", ["@a"]),
  row("a/**/b needs b as a whole segment", ["a/**/b @a"], "a/x/bc", []),
  row("a/**/b is anchored", ["a/**/b @a"], "z/a/b", []),
  row("a rule without owners unowns", ["/apps/ @octocat", "/apps/github"], "apps/github/x.ts", []),
  row("an unowning rule leaves siblings owned", ["/apps/ @octocat", "/apps/github"], "apps/web/x.ts", [
    "@octocat",
  ]),
  row("paths are case-sensitive (no match)", ["/Docs/ @a"], "docs/x.md", []),
  row("paths are case-sensitive (match)", ["/Docs/ @a"], "Docs/x.md", ["@a"]),
  row("a file in the repository root", ["/README.md @a"], "README.md", ["@a"]),
  row("an anchored root file does not match deeper", ["/README.md @a"], "docs/README.md", []),
  row("* alone matches every file", ["* @a"], "deep/er/file.txt", ["@a"]),
  row("* alone matches a root file", ["* @a"], "package.json", ["@a"]),
  row("\\# does not escape: the rule never matches #notes.md", ["* @all", "\\#notes.md @a"], "#notes.md", [
    "@all",
  ]),
  row("a line starting with # is a comment", ["* @all", "#notes.md @a"], "notes.md", ["@all"]),
  row("an inline comment ends the owners", ["/x/ @a #owned by a"], "x/y", ["@a"]),
  row("escaped spaces in a path", ["/My\\ Docs/ @a"], "My Docs/x.md", ["@a"]),
  row("escaped spaces are part of the name", ["/My\\ Docs/ @a"], "My/Docs/x.md", []),
  row("! negation does not work: the line is skipped", ["* @all", "!/docs/ @a"], "docs/x.md", ["@all"]),
  row("[ ] ranges do not work: the line is skipped", ["* @all", "/docs/[ab].md @a"], "docs/a.md", ["@all"]),
  row("escaped brackets are literal", ["* @all", "/docs/\\[a\\].md @a"], "docs/[a].md", ["@a"]),
  row("an invalid owner is ignored, the others count", ["/x/ @ok not-an-owner"], "x/y", ["@ok"]),
  row("a leading ./ or / in the queried path is ignored", ["/docs/ @a"], "./docs/x.md", ["@a"]),
];

describe("ownersOf follows GitHub's CODEOWNERS rules", () => {
  it.each(ROWS)("$rule: $path", ({ lines, path, owners }) => {
    const { rules } = parseCodeowners(`${lines.join("\n")}\n`);
    expect(ownersOf(path, rules)).toEqual(owners);
  });

  it.each(ROWS)("reading only the lines a path needs: $rule: $path", ({ lines, path, owners }) => {
    expect(codeownersLookup(`${lines.join("\r\n")}\r\n`)(path)).toEqual(owners);
  });

  it("reading only the lines a path needs answers as parsing the whole file, on any file", () => {
    const name = fc.constantFrom(
      "docs",
      "a",
      "b",
      "sites",
      "US",
      "x.yaml",
      "*.yaml",
      "*",
      "**",
      "?",
      "a*",
      "",
    );
    const pattern = fc
      .tuple(fc.boolean(), fc.array(name, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([lead, names, trail]) => `${lead ? "/" : ""}${names.join("/")}${trail ? "/" : ""}`);
    const line = fc.oneof(
      fc
        .tuple(pattern, fc.subarray(["@a", "@org/t", "bad", "me@x.org"]))
        .map(([p, owners]) => [p, ...owners].join(" ")),
      fc.constantFrom("# comment", "", "!/docs/ @n", "/docs/[ab] @r", "  /a/ @i #c"),
    );
    const path = fc
      .array(fc.constantFrom("docs", "a", "b", "sites", "US", "x.yaml", "y.md"), {
        minLength: 1,
        maxLength: 4,
      })
      .map((parts) => parts.join("/"));
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.array(path, { minLength: 1, maxLength: 5 }),
        (lines, paths) => {
          const text = lines.join("\n");
          const { rules } = parseCodeowners(text);
          const lookup = codeownersLookup(text);
          return paths.every((p) => JSON.stringify(lookup(p)) === JSON.stringify(ownersOf(p, rules)));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("patternCovers (a later rule that matches every file of an earlier one)", () => {
  it.each([
    ["*", "/sites/US/AGLT2/", true],
    ["**", "*.yaml", true],
    ["/sites/US/", "/sites/US/AGLT2/", true],
    ["/sites/US/", "/sites/US/*.yaml", true],
    ["sites/US/", "/sites/US/", true],
    ["/sites/US", "/sites/US", true],
    ["/sites/US", "/sites/US/AGLT2/", true],
    ["/sites/US/", "/sites/US", false],
    ["/sites/US/AGLT2/", "/sites/US/", false],
    ["/sites/DE/", "/sites/US/AGLT2/", false],
    ["*.yaml", "/sites/US/", false],
    ["/docs/*", "/docs/a.md", false],
  ])("%s covers %s: %s", (later, earlier, expected) => {
    expect(patternCovers(compilePattern(later), compilePattern(earlier))).toBe(expected);
  });
});

describe("looking rules up by their anchored folders", () => {
  it("picks the same rule as trying every line from the bottom, for every file of the bundled tree (both lookups)", async () => {
    const { readFile } = await import("node:fs/promises");
    const { execFileSync } = await import("node:child_process");
    const { lastMatch } = await import("../../src/core/codeowners/index.js");
    const root = new URL("../../", import.meta.url);
    const generated = await readFile(new URL(".github/CODEOWNERS", root), "utf8");
    // Globs and unanchored names between the generated per-folder rules.
    const text = `${generated}\n*.md @docs-team\nqueues/ @queue-team\n/sites/US/*/site.yaml @us-sites\n/sites/CERN/ @cern\n`;
    const { rules } = parseCodeowners(text);
    const lookup = codeownersLookup(text);
    const paths = execFileSync("git", ["ls-files", "sites", ".github", "siteops.config.yaml"], {
      cwd: root,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean);
    expect(paths.length).toBeGreaterThan(200);
    for (const path of [...paths, "sites/US/AGLT2/README.md", "sites/NEW/X/queues/Q.yaml"]) {
      const linear = [...rules].reverse().find((r) => r.valid && r.compiled.regex.test(path));
      expect(lastMatch(path, rules)?.line, path).toBe(linear?.line);
      expect(lookup(path), path).toEqual(linear?.owners ?? []);
    }
  });
});
