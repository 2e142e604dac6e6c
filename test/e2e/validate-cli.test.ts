import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyExample, markerLine } from "../../src/adapters/example-tree.js";
import { PROBLEM_CODES } from "../../src/core/validate/catalogue.js";
import { bundledRepoCopy, type JsonReport, runCli } from "../helpers/repo.js";

describe("siteops validate on the bundled tree", () => {
  let repo: Awaited<ReturnType<typeof bundledRepoCopy>>;
  beforeAll(async () => {
    repo = await bundledRepoCopy();
  });
  afterAll(() => repo.cleanup());

  it("reports the bundled tree valid, with all 12 clouds and the promised size", async () => {
    const result = await runCli(["validate", "--format", "json"], repo.dir);

    const report = JSON.parse(result.stdout) as JsonReport;
    expect(result.code).toBe(0);
    expect(report.valid).toBe(true);
    expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(report.counts.clouds).toBe(12);
    expect(report.counts.sites).toBeGreaterThanOrEqual(40);
    expect(report.counts.queues).toBeGreaterThanOrEqual(120);
    expect(result.stderr).toBe("");
  });

  it("prints a one-line summary without colour when not on a terminal", async () => {
    const result = await runCli(["validate"], repo.dir);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: 12 clouds, \d+ sites, \d+ queues, \d+ DDM endpoints/m);
    expect(result.stdout).not.toContain("\u001b[");
  });
});

const documented = PROBLEM_CODES.filter((info) => info.example !== undefined);

describe.each(documented)("problem $code", (info) => {
  it("is reported at the file and line of its example, with the documented exit code", async () => {
    const example = info.example!;
    const repo = await bundledRepoCopy();
    try {
      await applyExample(repo.dir, example);
      const expectedLine = await markerLine(repo.dir, example);

      const result = await runCli(["validate", "--format", "json"], repo.dir);

      const report = JSON.parse(result.stdout) as JsonReport;
      const found = report.problems.filter((p) => p.code === info.code);
      expect(found.map((p) => ({ file: p.file, line: p.line, severity: p.severity }))).toContainEqual({
        file: example.file,
        line: expectedLine,
        severity: info.severity,
      });
      expect(result.code).toBe(info.severity === "error" ? 1 : 0);
      expect(report.valid).toBe(info.severity !== "error");
      const problem = found.find((p) => p.file === example.file)!;
      expect(problem.message.startsWith(example.file)).toBe(true);
      expect(problem.message).toMatch(/\. [A-Z].*[.?]$/s);
    } finally {
      await repo.cleanup();
    }
  });
});
