import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { managed, SITE_LEVEL, siteLevel, unmanagedFields } from "./compare.js";
import {
  AGLT2_2026,
  CERN_2022,
  cric,
  type Json,
  readJson,
  snapshot,
  validate,
  withEmptyRepo,
} from "./helpers.js";

/** The real samples as one CRIC-shaped dump keyed by name (the CERN one is a bare queue object). */
async function samples(): Promise<Record<string, Json>> {
  const cern = await readJson(CERN_2022);
  return { [String(cern.name)]: cern, ...((await readJson(AGLT2_2026)) as Record<string, Json>) };
}

const errorsOf = async (dir: string) =>
  (await validate(dir)).problems.filter((p) => p.severity === "error").map((p) => p.message);

describe("siteops cric import of the real samples, then export", { timeout: 60_000 }, () => {
  for (const [label, file] of [
    ["2022 CERN queue (a bare queue object)", CERN_2022],
    ["2026 AGLT2 queue (keyed by name)", AGLT2_2026],
  ] as const) {
    it(`${label}: the imported tree validates and export reproduces every managed field`, async () => {
      await withEmptyRepo(async (dir) => {
        const imported = await cric(["import", "--pandaqueues", file], dir);
        expect(imported.stderr).toBe("");
        expect(imported.code).toBe(0);
        expect(await errorsOf(dir)).toEqual([]);

        const exported = await cric(["export"], dir);
        expect(exported.code).toBe(0);
        const out = JSON.parse(exported.stdout) as Record<string, Json>;
        const raw = await readJson(file);
        const input = (typeof raw.name === "string" ? { [raw.name]: raw } : raw) as Record<string, Json>;
        const unmanaged = await unmanagedFields();
        for (const [name, queue] of Object.entries(input)) {
          expect(managed(out[name]!, unmanaged)).toEqual(managed(queue, unmanaged));
          // Site-level values come back from site.yaml; derived ones from the fields they copy.
          expect(siteLevel(out[name]!)).toEqual(siteLevel(queue));
          for (const derived of ["nickname", "siteid", "panda_resource", "site"])
            expect(out[name]![derived]).toEqual(queue[derived]);
        }
      });
    });
  }

  it("places inherited values as CRIC's corepower_data says (2022 *_on flags, 2026 scope)", async () => {
    await withEmptyRepo(async (dir) => {
      await writeFile(join(dir, "dump.json"), JSON.stringify(await samples()));
      expect((await cric(["import", "--pandaqueues", "dump.json"], dir)).code).toBe(0);
      const yaml = async (path: string) => parse(await readFile(join(dir, path), "utf8")) as Json;
      // 2022: corepower_on false, the PanDA site's value 10.0 equals the queue's: the site holds it.
      expect((await yaml("sites/CERN/CERN-PROD/site.yaml")).queue_defaults).toEqual({ corepower: 10 });
      expect(await yaml("sites/CERN/CERN-PROD/queues/CERN.yaml")).not.toHaveProperty("corepower");
      // 2026: scope rcsite reports 13.51 for the site, but the queue serves 14.54: an override.
      expect((await yaml("sites/US/AGLT2/site.yaml")).queue_defaults).toEqual({
        corepower: 13.51,
        coreenergy: 0,
      });
      expect(await yaml("sites/US/AGLT2/queues/AGLT2.yaml")).toMatchObject({
        corepower: 14.54,
        coreenergy: 10,
        maxdiskio: 5000,
      });
    });
  });

  it("reports every dropped, derived and placeholder value per file (--format json)", async () => {
    await withEmptyRepo(async (dir) => {
      const result = await cric(["import", "--pandaqueues", CERN_2022, "--format", "json"], dir);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as {
        outcome: string;
        files: { file: string; status: string; notes: { kind: string; field: string; message: string }[] }[];
      };
      expect(report.outcome).toBe("written");
      const byFile = new Map(report.files.map((f) => [f.file, f]));
      const queue = byFile.get("sites/CERN/CERN-PROD/queues/CERN.yaml")!;
      expect(queue.status).toBe("new");
      const kinds = new Map(queue.notes.map((n) => [n.field, n.kind]));
      // Every input field is either in the file or has a note.
      const written = parse(await readFile(join(dir, queue.file), "utf8")) as Json;
      for (const field of Object.keys(await readJson(CERN_2022)))
        expect(field in written || kinds.has(field), field).toBe(true);
      expect(kinds.get("status")).toBe("unmanaged");
      expect(queue.notes.find((n) => n.field === "status")?.message).toContain("PanDA blacklisting");
      expect(kinds.get("nickname")).toBe("derived");
      for (const field of SITE_LEVEL.filter((f) => f !== "gstat"))
        expect(kinds.get(field)).toBe("site-level");
      const site = byFile.get("sites/CERN/CERN-PROD/site.yaml")!;
      expect(site.notes.filter((n) => n.kind === "placeholder").map((n) => n.field)).toEqual([
        "contacts",
        "owners",
        "ddmendpoints",
      ]);
      expect(byFile.get("sites/CERN/cloud.yaml")?.notes.map((n) => n.kind)).toEqual([
        "placeholder",
        "placeholder",
      ]);
      expect(byFile.get("sites/CERN/CERN-PROD/queues/CERN-PROD_VIRTUAL.yaml")?.notes[0]?.kind).toBe(
        "placeholder",
      );
      const siteYaml = parse(await readFile(join(dir, site.file), "utf8")) as Json;
      expect(siteYaml).toMatchObject({
        contacts: [{ email: "atlas-adc-cloud-cern@cern.ch", roles: ["cloud-squad"] }],
        owners: ["@atlas-siteops/cloud-cern"],
      });
    });
  });

  it("reports a derived field that differs (nickname != name) and a field the schema lacks", async () => {
    await withEmptyRepo(async (dir) => {
      const queue = { ...(await readJson(CERN_2022)), nickname: "CERN_OLD", brand_new_field: 1 };
      await writeFile(join(dir, "dump.json"), JSON.stringify({ CERN: queue }));
      const result = await cric(["import", "--pandaqueues", "dump.json"], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/conflict\s+nickname: is "CERN_OLD" but name is "CERN"/);
      expect(result.stdout).toMatch(/unknown\s+brand_new_field: not a field of the queue schema: dropped/);
    });
  });

  it("writes the same bytes whatever the key order of the dump", async () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const dump = await samples();
    const trees: Map<string, string>[] = [];
    for (const variant of [dump, reversed(dump)]) {
      await withEmptyRepo(async (dir) => {
        await writeFile(join(dir, "dump.json"), JSON.stringify(variant));
        expect((await cric(["import", "--pandaqueues", "dump.json"], dir)).code).toBe(0);
        const files = await snapshot(dir);
        files.delete("dump.json");
        trees.push(files);
      });
    }
    expect(trees[1]).toEqual(trees[0]);
  });
});

describe("siteops cric import into a tree that has files", { timeout: 60_000 }, () => {
  it("is up to date when run twice, and keeps hand-written contacts and owners", async () => {
    await withEmptyRepo(async (dir) => {
      expect((await cric(["import", "--pandaqueues", AGLT2_2026], dir)).code).toBe(0);
      const site = join(dir, "sites/US/AGLT2/site.yaml");
      const handWritten = (await readFile(site, "utf8"))
        .replace("atlas-adc-cloud-us@cern.ch", "aglt2-admins@umich.edu")
        .replace("cloud-squad", "site-admin")
        .replace('"@atlas-siteops/cloud-us"', '"@atlas-siteops/site-aglt2"');
      await writeFile(site, `# edited by hand\n${handWritten}`);
      const before = await snapshot(dir);

      const again = await cric(["import", "--pandaqueues", AGLT2_2026], dir);

      expect(again.code).toBe(0);
      expect(again.stdout).toContain("Nothing to write: the tree already holds this data.");
      expect(await snapshot(dir)).toEqual(before);
    });
  });

  it("refuses to overwrite a hand-edited queue without --force, listing it; --force replaces it", async () => {
    await withEmptyRepo(async (dir) => {
      expect((await cric(["import", "--pandaqueues", AGLT2_2026], dir)).code).toBe(0);
      const queue = join(dir, "sites/US/AGLT2/queues/AGLT2.yaml");
      await writeFile(queue, (await readFile(queue, "utf8")).replace("maxrss: 48000", "maxrss: 64000"));
      const before = await snapshot(dir);

      const refused = await cric(["import", "--pandaqueues", AGLT2_2026], dir);

      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(
        "Nothing written: 1 existing file(s) would change:\n  sites/US/AGLT2/queues/AGLT2.yaml",
      );
      expect(refused.stdout).toContain("--force");
      expect(await snapshot(dir)).toEqual(before);

      const forced = await cric(["import", "--pandaqueues", AGLT2_2026, "--force"], dir);
      expect(forced.code).toBe(0);
      expect(await readFile(queue, "utf8")).toContain("maxrss: 48000");
      expect(await errorsOf(dir)).toEqual([]);
    });
  });

  it("takes sites and DDM endpoints from --sites and --ddmendpoints when given", async () => {
    await withEmptyRepo(async (dir) => {
      const sites = {
        AGLT2: {
          name: "AGLT2",
          cloud: "US",
          tier_level: 2,
          country_code: "US",
          state: "ACTIVE",
          datapolicies: ["Nucleus"],
          email: "aglt2-admins@umich.edu",
          presources: {},
        },
      };
      const endpoints = {
        AGLT2_DATADISK: {
          name: "AGLT2_DATADISK",
          site: "AGLT2",
          token: "DATADISK",
          type: "DATADISK",
          is_tape: false,
          is_deterministic: true,
          state: "ACTIVE",
          endpoint: "davs://head01.aglt2.org:1094/pnfs/aglt2.org/atlasdatadisk/",
          aprotocols: {},
        },
        OTHER_DATADISK: { name: "OTHER_DATADISK", site: "OTHER", token: "DATADISK", type: "DATADISK" },
      };
      await writeFile(join(dir, "sites.json"), JSON.stringify(sites));
      await writeFile(join(dir, "ddm.json"), JSON.stringify(endpoints));
      const args = [
        "import",
        "--pandaqueues",
        AGLT2_2026,
        "--sites",
        "sites.json",
        "--ddmendpoints",
        "ddm.json",
      ];
      const result = await cric(args, dir);
      expect(result.code).toBe(0);
      const site = parse(await readFile(join(dir, "sites/US/AGLT2/site.yaml"), "utf8")) as Json;
      expect(site).toMatchObject({
        country_code: "US",
        datapolicies: ["Nucleus"],
        contacts: [{ email: "aglt2-admins@umich.edu", roles: ["site-admin"] }],
        ddmendpoints: [
          { name: "AGLT2_DATADISK", is_deterministic: true, endpoint: endpoints.AGLT2_DATADISK.endpoint },
        ],
      });
      expect((site.ddmendpoints as Json[]).map((e) => e.name)).toEqual(["AGLT2_DATADISK"]);
      expect(result.stdout).toContain("presources");
      expect(result.stdout).toContain("aprotocols");
      expect(await errorsOf(dir)).toEqual([]);
    });
  });
});
