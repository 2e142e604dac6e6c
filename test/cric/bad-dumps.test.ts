import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AGLT2_2026, cric, type Json, readJson, snapshot, withEmptyRepo } from "./helpers.js";

/** A good queue (the 2026 AGLT2 sample) under another name, optionally changed. */
async function queue(name: string, changes: Json = {}): Promise<Json> {
  const base = ((await readJson(AGLT2_2026)) as Record<string, Json>).AGLT2!;
  return { ...base, name, nickname: name, siteid: name, panda_resource: name, ...changes };
}

/**
 * Imports `text` as the queue dump next to a good queue already in the tree and next to other good
 * queues in the same dump, and checks that the import fails with exit 2 and the expected message,
 * and that not a single file was added or changed.
 */
async function expectRefused(text: string, ...messages: (string | RegExp)[]): Promise<string> {
  let stderr = "";
  await withEmptyRepo(async (dir) => {
    expect((await cric(["import", "--pandaqueues", AGLT2_2026], dir)).code).toBe(0);
    await writeFile(join(dir, "bad.json"), text);
    const before = await snapshot(dir);
    const result = await cric(["import", "--pandaqueues", "bad.json"], dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    for (const message of messages) expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("nothing was written");
    expect(await snapshot(dir)).toEqual(before);
    stderr = result.stderr;
  });
  return stderr;
}

const dumpOf = async (...queues: Json[]) =>
  JSON.stringify(Object.fromEntries(queues.map((q) => [String(q.name), q])), null, 2);

describe("siteops cric import refuses bad dumps and writes nothing", { timeout: 60_000 }, () => {
  it("truncated JSON: names the position and says to download it again", async () => {
    const full = await dumpOf(await queue("GOOD_1"), await queue("GOOD_2"));
    await expectRefused(
      full.slice(0, Math.floor(full.length / 2)),
      /bad\.json: is not valid JSON at line \d+, column \d+ \(.+\)\. The dump is truncated or damaged; download it again/,
    );
  });

  it('a number written as a string (corecount "8"): names the queue and field', async () => {
    await expectRefused(
      await dumpOf(await queue("GOOD_1"), await queue("BAD_Q", { corecount: "8" })),
      'bad.json: queue `BAD_Q`, field `corecount`: "8" is a string, but it must be an integer. Write the number without quotes (8) in CRIC or the dump.',
    );
  });

  it("queues (the CE list) that is not a list", async () => {
    await expectRefused(
      await dumpOf(await queue("BAD_Q", { queues: { ce_endpoint: "gate01.aglt2.org:9619" } })),
      "bad.json: queue `BAD_Q`, field `queues`: is an object, but it must be a list. Fix the value in CRIC (or the dump) so it is a list.",
    );
  });

  it("a wrong type inside a CE", async () => {
    await expectRefused(
      await dumpOf(
        await queue("BAD_Q", { queues: [{ ce_endpoint: "gate01.aglt2.org:9619", ce_flavour: 7 }] }),
      ),
      "bad.json: queue `BAD_Q`, field `queues[0].ce_flavour`: 7 is an integer, but it must be a string.",
    );
  });

  it("an unknown cloud", async () => {
    await expectRefused(
      await dumpOf(await queue("GOOD_1"), await queue("BAD_Q", { cloud: "XX" })),
      'bad.json: queue `BAD_Q`, field `cloud`: "XX" is not one of the 12 clouds (CA, CERN, DE, ES, FR, IT, ND, NL, RU, TW, UK, US). Set the queue\'s cloud in CRIC to one of them, or leave the queue out of the dump.',
    );
  });

  it("two queue names that differ only by case", async () => {
    await expectRefused(
      await dumpOf(await queue("AGLT2_UCORE"), await queue("aglt2_ucore")),
      "bad.json: queue `aglt2_ucore`: the name differs from queue `AGLT2_UCORE` only by case; PanDA and file systems treat them as one. Rename or remove one of them in CRIC.",
    );
  });

  for (const [name, reason] of [
    ["../evil", '"../evil" contains a path separator'],
    ["a/b", '"a/b" contains a path separator'],
    ["x..y", '"x..y" contains `..`'],
    [".hidden", '".hidden" starts with `.`'],
    ["AGLT2 TEST", '"AGLT2 TEST" contains characters other than letters, digits, `_` and `-`'],
  ]) {
    it(`a queue name that is not a safe file name: ${name}`, async () => {
      await expectRefused(
        await dumpOf(await queue("GOOD_1"), await queue(name!)),
        `bad.json: queue \`${name}\`: the name ${reason}; it becomes a file name (sites/<CLOUD>/<SITE>/queues/<NAME>.yaml). Rename the queue in CRIC`,
      );
    });
  }

  it("an atlas_site that is not a safe folder name", async () => {
    await expectRefused(
      await dumpOf(await queue("BAD_Q", { atlas_site: "../../etc" })),
      'bad.json: queue `BAD_Q`, field `atlas_site`: the site name "../../etc" contains a path separator; it becomes a folder name',
    );
  });

  it("a site whose queues are in two clouds", async () => {
    await expectRefused(
      await dumpOf(await queue("Q_1"), await queue("Q_2", { cloud: "CA" })),
      "bad.json: queue `Q_2`, field `cloud`: the queue is in cloud CA but queue `Q_1` of the same site AGLT2 is in cloud US; a site is in one cloud. Fix the cloud of one of them in CRIC.",
    );
  });

  it("a site with neither tier nor tier_level", async () => {
    const { tier: _t, tier_level: _l, ...rest } = await queue("Q_1");
    await expectRefused(
      await dumpOf({ ...rest, atlas_site: "NEWSITE" }),
      "bad.json: site `NEWSITE` (queues Q_1): neither tier nor tier_level is in the dump, and site.yaml requires them. Import with --sites (the CRIC site dump), or fix the queues' tier in CRIC.",
    );
  });

  it("reports every problem of the dump at once", async () => {
    const stderr = await expectRefused(
      await dumpOf(await queue("Q_1", { corecount: "8" }), await queue("Q_2", { cloud: "ZZ" })),
      "queue `Q_1`, field `corecount`",
      "queue `Q_2`, field `cloud`",
    );
    expect(stderr.split("\n").filter((l) => l.startsWith("  bad.json:"))).toHaveLength(2);
  });

  it("a dump that is a list, an empty file, and a queue entry that is not an object", async () => {
    await expectRefused("[]", "bad.json: the dump is a list, not an object keyed by queue name.");
    await expectRefused("", "bad.json: is empty.");
    await expectRefused('{"AGLT2": 5}', "bad.json: queue `AGLT2` is an integer, not an object of fields.");
  });

  it("a reserved key such as __proto__", async () => {
    await expectRefused(
      '{"Q": {"name": "Q", "params": {"__proto__": {"polluted": true}}}}',
      "bad.json: key `__proto__` at Q.params is reserved and never part of a CRIC record. Remove it from the dump.",
    );
  });

  it("a well-typed dump whose tree would not validate is refused with exit 1, nothing written", async () => {
    await withEmptyRepo(async (dir) => {
      await writeFile(
        join(dir, "bad.json"),
        await dumpOf(await queue("GOOD_1"), await queue("BAD_Q", { type: "prod" })),
      );
      const before = await snapshot(dir);
      const result = await cric(["import", "--pandaqueues", "bad.json"], dir);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain("Nothing written: the imported tree would not validate:");
      expect(result.stdout).toMatch(
        /sites\/US\/AGLT2\/queues\/BAD_Q\.yaml:\d+:\d+: `type` \(Queue type\) is "prod", which is not allowed/,
      );
      expect(await snapshot(dir)).toEqual(before);
    });
  });

  it("drift with a bad live dump exits 2", async () => {
    await withEmptyRepo(async (dir) => {
      expect((await cric(["import", "--pandaqueues", AGLT2_2026], dir)).code).toBe(0);
      await writeFile(join(dir, "live.json"), '{"AGLT2": {"name": "AGLT2", "cloud": "US", ');
      const result = await cric(["drift", "--live", "live.json"], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/live\.json: is not valid JSON at line 1, column \d+/);
    });
  });
});
