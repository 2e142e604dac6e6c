import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { notifyCommand } from "../../src/cli/commands/notify.js";
import { addresses, FAST, fakeIo, REPOSITORY, type Scenario, scenario, writeEvent } from "./helpers.js";

const AGLT2 = "sites/US/AGLT2/queues/AGLT2.yaml";
const MWT2 = "sites/US/MWT2/queues/MWT2_UCORE.yaml";
const CONFIG = "siteops.config.yaml";

/** Every address the tree holds: site contacts and cloud support lists. */
async function treeAddresses(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  const files = (await readdir(join(dir, "sites"), { recursive: true })).filter((f) =>
    /(site|cloud)\.yaml$/.test(f),
  );
  for (const file of files) {
    const data = parse(await readFile(join(dir, "sites", file), "utf8")) as {
      contacts?: { email: string }[];
      support_list?: string;
    };
    for (const c of data.contacts ?? []) out.add(c.email);
    if (data.support_list) out.add(data.support_list);
  }
  return out;
}

async function emls(dir: string): Promise<Map<string, ParsedMail>> {
  const out = new Map<string, ParsedMail>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".eml")).sort()) {
    out.set(name, await simpleParser(await readFile(join(dir, name))));
  }
  return out;
}

describe("siteops notify without SMTP, and who gets what", () => {
  let repo: Scenario;
  beforeEach(async () => {
    repo = await scenario();
  });
  afterEach(() => repo.cleanup());

  async function twoSiteChange(config?: string): Promise<{ base: string; head: string }> {
    if (config !== undefined)
      await repo.write(CONFIG, `${await readFile(join(repo.dir, CONFIG), "utf8")}\n${config}`);
    const base = config === undefined ? repo.initial : await repo.commit("notification settings");
    await repo.edit(AGLT2, /^maxrss: 48000$/m, "maxrss: 32000");
    await repo.edit(MWT2, /^maxtime: 172800$/m, "maxtime: 259200");
    return { base, head: await repo.commit("AGLT2 maxrss, MWT2 maxtime (ATLASPANDA-1324)") };
  }

  it("--out DIR writes one .eml per affected site, each parsing back with only tree addresses", async () => {
    const { base, head } = await twoSiteChange();
    const out = join(repo.dir, ".git", "mail-out");
    const io = fakeIo(repo.dir, { GITHUB_REPOSITORY: REPOSITORY });

    const code = await notifyCommand(["--base", base, "--head", head, "--out", out], io, FAST);

    expect(code, io.err.join("")).toBe(0);
    const mails = await emls(out);
    expect([...mails.keys()].map((n) => n.replace(/\.[0-9a-f]{16}\.eml$/, ""))).toEqual([
      `siteops.applied.c${head.slice(0, 12)}.AGLT2`,
      `siteops.applied.c${head.slice(0, 12)}.MWT2`,
    ]);
    const known = await treeAddresses(repo.dir);
    for (const mail of mails.values()) {
      expect(mail.subject).toMatch(/^\[siteops\] (AGLT2|MWT2): 1 change \(ATLASPANDA-1324\)$/);
      expect(mail.text).toContain("committed in");
      expect(mail.html).toContain("<table>");
      const all = [...addresses(mail.to), ...addresses(mail.cc), ...addresses(mail.replyTo)];
      expect(all.length).toBeGreaterThan(0);
      for (const address of all) expect(known, address).toContain(address);
    }
    expect(io.out.join("")).toContain(`written to .git/mail-out`);
  });

  it("writes to out/mail/ under the repository when no SMTP server is configured", async () => {
    const { base, head } = await twoSiteChange();
    const io = fakeIo(repo.dir, {});

    expect(await notifyCommand(["--base", base, "--head", head], io, FAST)).toBe(0);

    expect(await emls(join(repo.dir, "out", "mail"))).toHaveProperty("size", 2);
    // A re-run rewrites the same files instead of adding copies.
    expect(await notifyCommand(["--base", base, "--head", head], fakeIo(repo.dir, {}), FAST)).toBe(0);
    expect(await emls(join(repo.dir, "out", "mail"))).toHaveProperty("size", 2);
  });

  it("caps the recipients per mail, leaving Cc out first, and says so", async () => {
    const { base, head } = await twoSiteChange("notifications:\n  max_recipients: 2\n");
    const out = join(repo.dir, ".git", "mail-out");
    const io = fakeIo(repo.dir, {});

    expect(await notifyCommand(["--base", base, "--head", head, "--out", out], io, FAST)).toBe(0);

    const aglt2 = [...(await emls(out)).values()].find((m) => m.subject?.includes("AGLT2"))!;
    expect(addresses(aglt2.to).sort()).toEqual(["aglt2-admins@umich.edu", "pgrantham@umich.edu"]);
    expect(aglt2.cc).toBeUndefined();
    expect(io.err.join("")).toContain(
      "siteops: warning: sites/US/AGLT2/site.yaml: AGLT2 has 3 recipients, more than notifications.max_recipients (2); left out: atlas-adc-cloud-us@cern.ch. Trim the contacts or raise the limit in siteops.config.yaml.",
    );
  });

  it("picks contacts by the configured roles, and falls back to the support list when none matches", async () => {
    const { base, head } = await twoSiteChange(
      "notifications:\n  roles_for:\n    default: [observer]\n    disruptive: [observer]\n",
    );
    const out = join(repo.dir, ".git", "mail-out");

    expect(
      await notifyCommand(["--base", base, "--head", head, "--out", out], fakeIo(repo.dir, {}), FAST),
    ).toBe(0);

    const mails = [...(await emls(out)).values()];
    const aglt2 = mails.find((m) => m.subject?.includes("AGLT2"))!;
    const mwt2 = mails.find((m) => m.subject?.includes("MWT2"))!;
    expect(addresses(aglt2.to)).toEqual(["aglt2-msu@pa.msu.edu"]);
    expect(addresses(mwt2.to)).toEqual(["atlas-adc-cloud-us@cern.ch"]);
    expect(mwt2.cc).toBeUndefined();
  });

  it("takes a heads-up's recipients and settings from the base, never from the pull request itself", async () => {
    await repo.edit(
      "sites/US/AGLT2/site.yaml",
      "contacts:\n",
      "contacts:\n  - email: intruder@evil.example\n    roles: [site-admin]\n",
    );
    await repo.write(
      CONFIG,
      `${await readFile(join(repo.dir, CONFIG), "utf8")}\nnotifications:\n  reply_to: intruder@evil.example\n`,
    );
    await repo.edit(AGLT2, /^maxrss: 48000$/m, "maxrss: 32000");
    const head = await repo.commit("AGLT2: more memory, and a new contact");
    const event = await writeEvent(repo.dir, "opened", {
      number: 3,
      title: "AGLT2 maxrss",
      base: repo.initial,
      head,
    });
    const out = join(repo.dir, ".git", "mail-out");

    expect(await notifyCommand(["--event", event, "--out", out], fakeIo(repo.dir, {}), FAST)).toBe(0);

    const mails = [...(await emls(out)).values()];
    expect(mails).toHaveLength(1);
    const raw =
      JSON.stringify(mails[0]!.headers.get("to")) + JSON.stringify(mails[0]!.headers.get("reply-to"));
    expect(raw).not.toContain("intruder@evil.example");
    expect(addresses(mails[0]!.replyTo)).toEqual(["atlas-adc-cloud-us@cern.ch"]);
  });

  it("--dry-run prints recipients, ids and the text of each mail and sends nothing", async () => {
    const { base, head } = await twoSiteChange();
    const io = fakeIo(repo.dir, {});

    expect(await notifyCommand(["--base", base, "--head", head, "--dry-run"], io, FAST)).toBe(0);

    const out = io.out.join("");
    expect(out).toMatch(
      /would send +AGLT2 +<siteops\.applied\.c[0-9a-f]{12}\.AGLT2\.[0-9a-f]{16}@siteops\.invalid> to aglt2-admins@umich\.edu, pgrantham@umich\.edu; cc atlas-adc-cloud-us@cern\.ch/,
    );
    expect(out).toContain("Subject: [siteops] MWT2: 1 change (ATLASPANDA-1324)");
    expect(out).toContain("(maxtime): 172,800 s -> 259,200 s (+50 %)");
    await expect(readdir(join(repo.dir, "out"))).rejects.toThrow(/ENOENT/);
  });
});
