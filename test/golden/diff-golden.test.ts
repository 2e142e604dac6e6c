import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { diffRevisions } from "../../src/core/diff/diff-trees.js";
import { renderChangelog } from "../../src/core/render/changelog.js";
import { SCHEMA_FILES, type SchemaSet } from "../../src/core/validate/schema-validator.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CASES = join(ROOT, "test", "fixtures", "diff");
// Regenerate the expected files after a deliberate change: UPDATE_GOLDEN=1 npx vitest run test/golden
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const schemas = Object.fromEntries(
  Object.entries(SCHEMA_FILES).map(([kind, file]) => [
    kind,
    JSON.parse(readFileSync(join(ROOT, "schemas", file), "utf8")),
  ]),
) as SchemaSet;
const templates = {
  markdown: readFileSync(join(ROOT, "templates", "changelog.md.hbs"), "utf8"),
  text: readFileSync(join(ROOT, "templates", "changelog.txt.hbs"), "utf8"),
  html: readFileSync(join(ROOT, "templates", "changelog.html.hbs"), "utf8"),
};

function readTree(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (current: string) => {
    if (!existsSync(current)) return;
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path).split("\\").join("/"), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function golden(path: string, actual: string): void {
  if (UPDATE || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

const cases = readdirSync(CASES).filter((name) => statSync(join(CASES, name)).isDirectory());

describe.each(cases)("diff golden case %s", (name) => {
  const dir = join(CASES, name);
  const report = diffRevisions({
    base: { id: "base", files: readTree(join(dir, "base")) },
    head: { id: "head", files: readTree(join(dir, "head")) },
    schemas,
    himemMbPerCore: 2000,
  });

  it("matches the expected JSON contract", () => {
    const { problems, ...contract } = report;

    expect(problems).toEqual([]);
    golden(join(dir, "expected.json"), `${JSON.stringify(contract, null, 2)}\n`);
  });

  it("matches the expected markdown changelog", () => {
    const meta = { tickets: [{ id: "GGUS:1001605", url: "https://helpdesk.ggus.eu/#ticket/zoom/1001605" }] };

    golden(join(dir, "expected.md"), renderChangelog(report, meta, "markdown", templates));
  });
});

interface CaseExpectation {
  changes: {
    kind: string;
    name: string;
    action: string;
    paths?: string[];
    fieldActions?: string[];
    affectedQueues?: string[];
    unaffectedQueues?: string[];
    impactFlags?: string[];
  }[];
}

describe.each(cases)("diff semantics of case %s", (name) => {
  it("reports exactly the changes the case describes", () => {
    const dir = join(CASES, name);
    const expected = JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as CaseExpectation;

    const report = diffRevisions({
      base: { id: "base", files: readTree(join(dir, "base")) },
      head: { id: "head", files: readTree(join(dir, "head")) },
      schemas,
      himemMbPerCore: 2000,
    });

    expect(report.changes.map((c) => ({ kind: c.kind, name: c.name, action: c.action }))).toEqual(
      expected.changes.map((c) => ({ kind: c.kind, name: c.name, action: c.action })),
    );
    expected.changes.forEach((want, i) => {
      const got = report.changes[i]!;
      if (want.paths) expect(got.fields.map((f) => f.path)).toEqual(want.paths);
      if (want.fieldActions) expect(got.fields.map((f) => f.action)).toEqual(want.fieldActions);
      if (want.affectedQueues) expect(got.affectedQueues).toEqual(want.affectedQueues);
      if (want.unaffectedQueues) expect(got.unaffectedQueues).toEqual(want.unaffectedQueues);
      if (want.impactFlags)
        expect((got.impact ?? []).flatMap((x) => (x.flag ? [x.flag] : []))).toEqual(want.impactFlags);
    });
  });
});
