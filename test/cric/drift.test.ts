import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copyRepository } from "../../src/adapters/example-tree.js";
import type { DiffReport } from "../../src/core/diff/model.js";
import { PROJECT_ROOT } from "../helpers/repo.js";
import { AGLT2_2026, CERN_2022, cric, type Json, readJson, withEmptyRepo } from "./helpers.js";

async function dump(): Promise<Record<string, Json>> {
  const cern = await readJson(CERN_2022);
  return { CERN: cern, ...(await readJson(AGLT2_2026)) };
}

/** A repository imported from the samples, and a way to run drift against a variant of them. */
async function withImportedRepo(
  body: (drift: (live: unknown, format?: string) => ReturnType<typeof cric>) => Promise<void>,
) {
  await withEmptyRepo(async (dir) => {
    await writeFile(join(dir, "dump.json"), JSON.stringify(await dump()));
    expect((await cric(["import", "--pandaqueues", "dump.json"], dir)).code).toBe(0);
    await body(async (live, format = "json") => {
      await writeFile(join(dir, "live.json"), JSON.stringify(live));
      return cric(["drift", "--live", "live.json", "--format", format], dir);
    });
  });
}

describe("siteops cric drift", { timeout: 60_000 }, () => {
  it("reports no drift for the dump the repository was imported from (exit 0)", async () => {
    await withImportedRepo(async (drift) => {
      const json = await drift(await dump());
      expect(json.code).toBe(0);
      expect((JSON.parse(json.stdout) as DiffReport).changes).toEqual([]);
      const text = await drift(await dump(), "text");
      expect(text.code).toBe(0);
      expect(text.stdout).toContain("No configuration changes between repository and CRIC (live).");
    });
  });

  it("reports exactly one change when one queue's maxrss changed in CRIC (exit 1)", async () => {
    await withImportedRepo(async (drift) => {
      const live = await dump();
      live.AGLT2 = { ...live.AGLT2, maxrss: 64000 };
      const result = await drift(live);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as DiffReport;
      expect(report.changes).toHaveLength(1);
      expect(report.changes[0]).toMatchObject({ kind: "queue", name: "AGLT2", action: "modified" });
      expect(report.changes[0]!.fields).toEqual([
        expect.objectContaining({
          path: "maxrss",
          action: "changed",
          before: 48000,
          after: 64000,
          unit: "MB",
        }),
      ]);
      const markdown = await drift(live, "markdown");
      expect(markdown.code).toBe(1);
      expect(markdown.stdout).toContain("maxrss");
      expect(markdown.stdout).toContain("64,000");
    });
  });

  it("ignores fields siteops does not manage (status, last_modified, ...)", async () => {
    await withImportedRepo(async (drift) => {
      const live = await dump();
      live.AGLT2 = { ...live.AGLT2, status: "offline", last_modified: "2026-11-25T10:00:00", comment: "HC" };
      live.CERN = { ...live.CERN, status: "brokeroff", last_modified: "2026-11-25T11:00:00", id: 9999 };
      const result = await drift(live);
      expect(JSON.parse(result.stdout)).toMatchObject({ changes: [] });
      expect(result.code).toBe(0);
    });
  });

  it("shows a queue CRIC no longer has as removed, and a site-level change on the site", async () => {
    await withImportedRepo(async (drift) => {
      const live = await dump();
      delete live.CERN;
      live.AGLT2 = { ...live.AGLT2, region: "US-MIDW-PJM" };
      const report = JSON.parse((await drift(live)).stdout) as DiffReport;
      const summary = report.changes.map((c) => `${c.kind} ${c.name} ${c.action}`);
      expect(summary).toContain("queue CERN removed");
      expect(summary).toContain("site AGLT2 modified");
      expect(report.changes.find((c) => c.name === "AGLT2" && c.kind === "site")?.fields).toEqual([
        expect.objectContaining({ path: "region", before: "US-MIDW-MISO", after: "US-MIDW-PJM" }),
      ]);
    });
  });

  it("against a partial dump: queues it lacks are removed, a real parent is not masked by a placeholder", async () => {
    const dir = await copyRepository(PROJECT_ROOT);
    try {
      const result = await cric(["drift", "--live", AGLT2_2026, "--format", "json"], dir);
      expect(result.code).toBe(1);
      const changes = (JSON.parse(result.stdout) as DiffReport).changes;
      const parent = changes.find((c) => c.name === "GreatLakesT2_VIRTUAL");
      expect(parent?.action).toBe("removed");
      expect(changes.find((c) => c.name === "AGLT2_MERGE")?.action).toBe("removed");
      expect(changes.find((c) => c.kind === "queue" && c.name === "AGLT2")?.action).toBe("modified");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("finds no drift between the bundled tree and its own export", async () => {
    const dir = await copyRepository(PROJECT_ROOT);
    try {
      expect((await cric(["export", "--out", "live.json"], dir)).code).toBe(0);
      const result = await cric(["drift", "--live", "live.json", "--format", "json"], dir);
      expect(JSON.parse(result.stdout)).toMatchObject({ changes: [] });
      expect(result.code).toBe(0);
      // And importing its own export changes no file.
      const again = await cric(["import", "--pandaqueues", "live.json"], dir);
      expect(again.stdout).toContain("Nothing to write");
      expect(again.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
