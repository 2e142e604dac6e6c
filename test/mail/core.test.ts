import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DiffReport, ObjectChange } from "../../src/core/diff/model.js";
import { dueSites } from "../../src/core/mail/digest.js";
import { changesHash, headsUpId } from "../../src/core/mail/message-id.js";
import type { MailEvent, MailTemplates, SiteDirectoryEntry } from "../../src/core/mail/model.js";
import { type PlanInput, planMails } from "../../src/core/mail/plan.js";
import { renderMailPreviewMarkdown } from "../../src/core/mail/preview.js";
import { headerText, mailbox, parseMailbox } from "../../src/core/mail/sanitize.js";
import { readNotificationSettings } from "../../src/core/mail/settings.js";
import { PROJECT_ROOT } from "../helpers/repo.js";

const CONFIG_SCHEMA = JSON.parse(readFileSync(join(PROJECT_ROOT, "schemas", "config.schema.json"), "utf8"));

const templates: MailTemplates = {
  text: await readFile(join(PROJECT_ROOT, "templates", "mail-text.hbs"), "utf8"),
  html: await readFile(join(PROJECT_ROOT, "templates", "mail-html.hbs"), "utf8"),
};

const queue = (
  name: string,
  site: string,
  fields: ObjectChange["fields"],
  extra: Partial<ObjectChange> = {},
): ObjectChange => ({
  kind: "queue",
  name,
  cloud: "US",
  site,
  action: "modified",
  file: `sites/US/${site}/queues/${name}.yaml`,
  fields,
  ...extra,
});

const maxrss = queue("AGLT2", "AGLT2", [
  { path: "maxrss", action: "changed", before: 48000, after: 32000, unit: "MB" },
]);
const maxtime = queue("MWT2_UCORE", "MWT2", [
  { path: "maxtime", action: "changed", before: 172800, after: 259200, unit: "s" },
]);

const directory = new Map<string, SiteDirectoryEntry>([
  [
    "AGLT2",
    {
      site: "AGLT2",
      cloud: "US",
      contacts: [
        { name: "Admins", email: "admins@aglt2.example.org", roles: ["site-admin", "operations"] },
        { name: "Ops", email: "ops@aglt2.example.org", roles: ["operations"] },
        { name: "Observer", email: "observer@aglt2.example.org", roles: ["observer"] },
        { email: "not an address", roles: ["site-admin"] },
      ],
      supportList: "cloud-us@example.org",
    },
  ],
  [
    "MWT2",
    {
      site: "MWT2",
      cloud: "US",
      contacts: [{ email: "admin@mwt2.example.org", roles: ["site-admin"] }],
      supportList: "cloud-us@example.org",
    },
  ],
]);

const pr = {
  number: 42,
  url: "https://github.com/o/r/pull/42",
  title: "t",
  author: "ada",
  authorIsBot: false,
  createdAt: "2026-11-23T09:00:00Z",
  labels: [],
};

function input(changes: ObjectChange[], event: Partial<MailEvent> = {}, raw: unknown = {}): PlanInput {
  return {
    report: { base: "b".repeat(40), head: "c".repeat(40), changes },
    event: { stage: "heads-up", repository: "o/r", pullRequest: pr, tickets: [], ...event },
    directory,
    settings: readNotificationSettings(raw, CONFIG_SCHEMA).settings,
    notice: { hours: 48, reducedFields: ["maxrss"], urgentLabel: "urgent" },
    templates,
  };
}

describe("header hygiene", () => {
  it("turns control characters, line breaks and bidi overrides into single spaces, and caps the length", () => {
    expect(headerText("Eve\r\nBcc: attacker@evil.example")).toBe("Eve Bcc: attacker@evil.example");
    expect(headerText("a\u0000b\u001bc\u007fd\u0085e\u2028f\u202eg\ttab")).toBe("a b c d e f g tab");
    expect(headerText("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("accepts plain addresses only", () => {
    expect(mailbox("eve@umich.edu", "Eve\r\nBcc: x@y.example")).toEqual({
      name: "Eve Bcc: x@y.example",
      address: "eve@umich.edu",
    });
    for (const bad of [
      "eve@umich.edu\r\nBcc: x@y.example",
      "eve @umich.edu",
      '"eve"@umich.edu',
      "a@b",
      "a,b@c.org",
      "<a@b.org>",
      "a@-b.org",
    ]) {
      expect(mailbox(bad), bad).toBeUndefined();
    }
    expect(parseMailbox('"siteops, ATLAS" <siteops@cern.example>')).toEqual({
      name: "siteops, ATLAS",
      address: "siteops@cern.example",
    });
    expect(parseMailbox("siteops@cern.example")).toEqual({ address: "siteops@cern.example" });
    expect(parseMailbox("siteops <siteops@cern.example>\r\nBcc: x@y.example")).toBeUndefined();
  });
});

describe("planMails", () => {
  it("plans one mail per affected site with only its changes; recipients by role from the directory", () => {
    const plan = planMails(input([maxrss, maxtime]));

    expect(plan.mails.map((m) => [m.site, m.to.map((b) => b.address), m.cc.map((b) => b.address)])).toEqual([
      ["AGLT2", ["admins@aglt2.example.org", "ops@aglt2.example.org"], ["cloud-us@example.org"]],
      ["MWT2", ["admin@mwt2.example.org"], ["cloud-us@example.org"]],
    ]);
    expect(plan.mails[0]!.disruptive).toEqual(["queue AGLT2: maxrss reduced from 48000 to 32000"]);
    expect(plan.mails[0]!.changes).toEqual([maxrss]);
    expect(plan.warnings).toEqual([
      'sites/US/AGLT2/site.yaml: contacts[3].email "not an address" is not a plain e-mail address; the contact gets no mail. Fix the address.',
    ]);
  });

  it("mails a queue moved between sites to both, and no site for a cloud-level change", () => {
    const moved = queue("MOVED", "MWT2", [], {
      action: "moved",
      previousFile: "sites/US/AGLT2/queues/MOVED.yaml",
    });
    const cloud: ObjectChange = {
      kind: "cloud",
      name: "US",
      cloud: "US",
      action: "modified",
      file: "sites/US/cloud.yaml",
      fields: [],
    };

    const plan = planMails(input([moved, cloud]));

    expect(plan.mails.map((m) => m.site)).toEqual(["MWT2", "AGLT2"]);
    expect(plan.skipped).toEqual([
      {
        site: "cloud US",
        reason:
          "cloud US is a cloud-level change; cloud changes are reviewed by the cloud owners and mailed to no site",
      },
    ]);
  });

  it("derives ids from what a mail is about: same changes, same heads-up id; other changes, another", () => {
    const first = planMails(input([maxrss])).mails[0]!;
    const rebased = planMails({
      ...input([maxrss]),
      report: { base: "d".repeat(40), head: "e".repeat(40), changes: [maxrss] },
    }).mails[0]!;
    const changed = planMails(
      input([queue("AGLT2", "AGLT2", [{ path: "maxrss", action: "changed", before: 48000, after: 24000 }])]),
    ).mails[0]!;
    const otherRepo = planMails(input([maxrss], { repository: "o/other" })).mails[0]!;

    expect(rebased.messageId).toBe(first.messageId);
    expect(changed.messageId).not.toBe(first.messageId);
    expect(otherRepo.messageId).not.toBe(first.messageId);
    expect(changed.references).toEqual(first.references);
    expect(first.messageId).toBe(headsUpId("o/r", 42, "AGLT2", changesHash([maxrss]), "siteops.invalid"));
  });

  it("threads an applied mail under the heads-up that showed the pull request's own changes", () => {
    const report: DiffReport = { base: "m".repeat(40), head: "n".repeat(40), changes: [maxrss] };
    const headsUp = planMails(input([maxrss])).mails[0]!;
    const applied = planMails({
      ...input([maxrss], { stage: "applied", commit: "n".repeat(40) }),
      headsUpReport: report,
    }).mails[0]!;

    expect(applied.messageId).toMatch(/^<siteops\.applied\.pr42\.AGLT2\.[0-9a-f]{16}@siteops\.invalid>$/);
    expect(applied.inReplyTo).toBe(headsUp.messageId);
    expect(applied.references).toEqual([...headsUp.references, headsUp.messageId]);
  });

  it("routes bot changes to the digest unless they are disruptive", () => {
    const bot = { ...pr, author: "corepower[bot]", authorIsBot: true };
    const corepower = queue("AGLT2", "AGLT2", [
      { path: "corepower", action: "changed", before: 14.54, after: 14.9 },
    ]);

    expect(
      planMails(input([corepower], { stage: "applied", pullRequest: bot })).mails.map((m) => m.route),
    ).toEqual(["digest"]);
    expect(planMails(input([corepower], { pullRequest: bot })).mails).toEqual([]);
    expect(planMails(input([maxrss], { pullRequest: bot })).mails.map((m) => m.route)).toEqual(["send"]);
    expect(
      planMails(
        input(
          [corepower],
          { stage: "applied", pullRequest: bot },
          { notifications: { digest: { bots: "off" } } },
        ),
      ).mails.map((m) => m.route),
    ).toEqual(["send"]);
  });

  it("sends no heads-up for a draft pull request", () => {
    const plan = planMails(input([maxrss], { pullRequest: { ...pr, draft: true } }));

    expect(plan.mails).toEqual([]);
    expect(plan.skipped).toEqual([
      { site: "AGLT2", reason: "draft pull request: the heads-up goes out once it is ready for review" },
    ]);
  });

  it("sends a digest once its oldest change is a period old", () => {
    const entry = (site: string, queuedAt: string) => ({
      id: `<${site}${queuedAt}@x>`,
      site,
      cloud: "US",
      repository: "o/r",
      queuedAt,
      tickets: [],
      changes: [],
    });
    const entries = [
      entry("AGLT2", "2026-11-20T10:00:00Z"),
      entry("AGLT2", "2026-11-23T09:00:00Z"),
      entry("MWT2", "2026-11-23T09:00:00Z"),
    ];

    expect([...dueSites(entries, "daily", new Date("2026-11-23T10:00:00Z"))]).toEqual(["AGLT2"]);
    expect([...dueSites(entries, "weekly", new Date("2026-11-23T10:00:00Z"))]).toEqual([]);
  });
});

describe("renderMailPreviewMarkdown", () => {
  it("shows each site collapsed, with recipients, subject and the exact text in a fence no value can close", () => {
    const plan = planMails(input([maxrss, maxtime]));
    const mail = plan.mails[0]!;
    const tricky = { ...mail, site: "<b>AG</b>", text: "```\n<script>x</script>\n````\n" };

    const markdown = renderMailPreviewMarkdown([tricky, plan.mails[1]!]);

    expect(markdown).toContain("### Site notifications\n\n2 sites are mailed (one mail each):\n\n");
    expect(markdown).toContain(
      "<details><summary><b>&#60;b&#62;AG&#60;/b&#62;</b> (US): 3 recipients</summary>\n\n`````text\nTo: Admins <admins@aglt2.example.org>, Ops <ops@aglt2.example.org>\nCc: cloud-us@example.org\nReply-To: cloud-us@example.org\nSubject: [siteops] AGLT2: 1 change\n\n```\n<script>x</script>\n````\n`````\n\n</details>",
    );
    expect(markdown).toContain(plan.mails[1]!.text.trimEnd());

    const limit = renderMailPreviewMarkdown(plan.mails).length - 10;
    const short = renderMailPreviewMarkdown(plan.mails, { maxLength: limit });
    expect(short.length).toBeLessThanOrEqual(limit);
    expect(short).toContain("<b>AGLT2</b>");
    expect(short).not.toContain("<b>MWT2</b>");
    expect(short).toContain("> 1 more site not shown, to stay under the comment limit.");
  });
});

describe("notification settings", () => {
  it("reads defaults from the config schema and replaces unusable values with a warning", () => {
    const { settings, warnings } = readNotificationSettings(
      { notifications: { max_recipients: "many", roles_for: { default: ["boss"] } } },
      CONFIG_SCHEMA,
    );

    expect(settings).toEqual({
      from: "siteops <noreply@siteops.invalid>",
      replyTo: "cloud-support-list",
      listId: "site-notifications.siteops.invalid",
      rolesFor: { default: ["site-admin"], disruptive: ["site-admin", "operations"] },
      ccCloudSupportList: true,
      maxRecipients: 20,
      digest: { bots: "daily" },
      retry: { attempts: 4, initialDelaySeconds: 2, maxDelaySeconds: 30 },
      ledgerBranch: "siteops-ledger",
    });
    expect(warnings).toEqual([
      'siteops.config.yaml: notifications.roles_for.default has an unusable value ["boss"]; using the default. Fix it as described in docs/notifications.md.',
      'siteops.config.yaml: notifications.max_recipients has an unusable value "many"; using the default. Fix it as described in docs/notifications.md.',
    ]);
    expect(CONFIG_SCHEMA.properties.notifications.properties.max_recipients.default).toBe(20);
  });
});
