import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitRevisionReader } from "../../src/adapters/git-reader.js";
import { readMailTemplates } from "../../src/adapters/mail-templates.js";
import { FsSchemaSource } from "../../src/adapters/schemas-fs.js";
import { planNotifications } from "../../src/app/notify.js";
import { pullRequestEvent } from "../../src/app/notify-event.js";
import { notifyCommand } from "../../src/cli/commands/notify.js";
import { renderMailPreviewMarkdown } from "../../src/core/mail/preview.js";
import {
  addresses,
  FAST,
  fakeIo,
  header,
  REPOSITORY,
  type Received,
  type Scenario,
  scenario,
  startSmtp,
  type TestSmtp,
  writeEvent,
} from "./helpers.js";

const AGLT2 = "sites/US/AGLT2/queues/AGLT2.yaml";
const MWT2 = "sites/US/MWT2/queues/MWT2_UCORE.yaml";
const TITLE = "Reduce AGLT2 memory, raise MWT2 walltime (GGUS:1000981)";

const bySite = (mails: Received[], site: string) => {
  const found = mails.filter((m) => m.parsed.subject?.startsWith(`[siteops] ${site}:`));
  expect(found, `mails for ${site}`).toHaveLength(1);
  return found[0]!;
};

describe("siteops notify over SMTP: heads-up, applied, threading, ledger", () => {
  let repo: Scenario;
  let smtp: TestSmtp;
  beforeEach(async () => {
    repo = await scenario();
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await smtp.close();
    await repo.cleanup();
  });

  /** One pull request changing a queue at AGLT2 (disruptive) and one at MWT2, then merged. */
  async function openPullRequest() {
    await repo.git("checkout", "-q", "-b", "change-42");
    await repo.edit(AGLT2, /^maxrss: 48000$/m, "maxrss: 32000");
    await repo.edit(MWT2, /^maxtime: 172800$/m, "maxtime: 259200");
    const head = await repo.commit("AGLT2 maxrss, MWT2 maxtime\n\nTicket: GGUS:1000981");
    const event = await writeEvent(repo.dir, "opened", {
      number: 42,
      title: TITLE,
      base: repo.initial,
      head,
    });
    return { head, event };
  }

  async function merge(head: string) {
    await repo.git("checkout", "-q", "main");
    await repo.git(
      "-c",
      "user.name=Ada",
      "-c",
      "user.email=ada@siteops.invalid",
      "merge",
      "-q",
      "--no-ff",
      "-m",
      "Merge pull request #42",
      "change-42",
    );
    const mergeCommit = await repo.git("rev-parse", "HEAD");
    const event = await writeEvent(repo.dir, "merged", {
      number: 42,
      title: TITLE,
      base: repo.initial,
      head,
      merged: true,
      mergeCommit,
    });
    return { mergeCommit, event };
  }

  const run = (args: string[]) => {
    const io = fakeIo(repo.dir, { GITHUB_REPOSITORY: REPOSITORY });
    return notifyCommand([...args, "--smtp", smtp.url], io, FAST).then((code) => ({ code, io }));
  };

  it("mails each affected site once, with only its changes, both parts and the notification headers", async () => {
    const { event } = await openPullRequest();

    const { code, io } = await run(["--event", event]);

    expect(io.err.join(""), "stderr").toBe(
      "siteops: warning: siteops.config.yaml: notifications.from is the placeholder sender; most relays refuse it. Set notifications.from to an address your SMTP server accepts.\n",
    );
    expect(code).toBe(0);
    expect(smtp.received).toHaveLength(2);
    const aglt2 = bySite(smtp.received, "AGLT2");
    const mwt2 = bySite(smtp.received, "MWT2");

    // Recipients by role: the disruptive AGLT2 change reaches site-admin and operations, MWT2 only site-admin.
    expect(addresses(aglt2.parsed.to).sort()).toEqual(["aglt2-admins@umich.edu", "pgrantham@umich.edu"]);
    expect(addresses(aglt2.parsed.cc)).toEqual(["atlas-adc-cloud-us@cern.ch"]);
    expect(aglt2.envelope.to.sort()).toEqual([
      "aglt2-admins@umich.edu",
      "atlas-adc-cloud-us@cern.ch",
      "pgrantham@umich.edu",
    ]);
    expect(addresses(mwt2.parsed.to).sort()).toEqual(["jalbrecht@uchicago.edu", "mwt2-ops@uchicago.edu"]);
    expect(aglt2.parsed.headers.has("bcc")).toBe(false);

    expect(aglt2.parsed.subject).toBe("[siteops] AGLT2: 1 change (GGUS:1000981)");
    expect(mwt2.parsed.subject).toBe("[siteops] MWT2: 1 change (GGUS:1000981)");

    // Only the site's own changes, with before/after and units, in both parts.
    const text = aglt2.parsed.text ?? "";
    expect(text).toContain("Heads-up for AGLT2 (US): pull request #42 proposes 1 change");
    expect(text).toContain("(maxrss): 48,000 MB -> 32,000 MB (-33 %)");
    expect(text).toContain("not before 2026-11-25 09:00 UTC (48 h notice for disruptive changes");
    expect(text).toContain("queue AGLT2: maxrss reduced from 48000 to 32000");
    expect(text).toContain(`https://github.com/${REPOSITORY}/pull/42 (by ada-dpa)`);
    expect(text).toContain("GGUS:1000981 <https://helpdesk.ggus.eu/#ticket/zoom/1000981>");
    expect(text).toContain(
      "reply to this mail (it goes to atlas-adc-cloud-us@cern.ch), or comment on the pull request",
    );
    expect(text).not.toContain("MWT2_UCORE");
    expect(text).not.toContain("maxtime");
    const html = aglt2.parsed.html || "";
    expect(html).toContain("<td>48,000 MB</td><td>32,000 MB</td>");
    expect(html).toContain('<a href="https://helpdesk.ggus.eu/#ticket/zoom/1000981">GGUS:1000981</a>');
    expect(html).not.toContain("MWT2_UCORE");
    expect(mwt2.parsed.text).toContain("(maxtime): 172,800 s -> 259,200 s (+50 %)");
    expect(mwt2.parsed.text).toContain("no notice period applies because none of the changes is disruptive");
    expect(mwt2.parsed.text).not.toContain("maxrss");

    // Headers.
    expect(aglt2.parsed.messageId).toMatch(
      /^<siteops\.heads-up\.pr42\.AGLT2\.[0-9a-f]{16}@siteops\.invalid>$/,
    );
    expect(header(aglt2.parsed, "auto-submitted")).toBe("auto-generated");
    expect(aglt2.raw.toString()).toMatch(
      /^List-Id: siteops site notifications <site-notifications\.siteops\.invalid>\r$/im,
    );
    expect(aglt2.parsed.headers.get("list")).toEqual({
      id: { id: "site-notifications.siteops.invalid", name: "siteops site notifications" },
    });
    expect(addresses(aglt2.parsed.replyTo)).toEqual(["atlas-adc-cloud-us@cern.ch"]);
    expect(aglt2.parsed.references).toMatch(
      /^<siteops\.thread\.pr42\.AGLT2\.[0-9a-f]{16}@siteops\.invalid>$/,
    );

    // A re-run (another push without changes, a re-run workflow) sends nothing: the ledger has both.
    const again = await run(["--event", event]);
    expect(again.code).toBe(0);
    expect(smtp.received).toHaveLength(2);
    expect(again.io.out.join("")).toMatch(/already sent +AGLT2/);
    expect(await repo.git("status", "--porcelain")).toBe("");
  });

  it("threads the applied mail under the heads-up of the same pull request and site", async () => {
    const { head, event } = await openPullRequest();
    expect((await run(["--event", event])).code).toBe(0);
    const headsUp = new Map(smtp.received.map((m) => [m.parsed.subject, m.parsed.messageId]));

    const merged = await merge(head);
    const { code, io } = await run(["--event", merged.event]);

    expect(code, io.err.join("")).toBe(0);
    expect(smtp.received).toHaveLength(4);
    const applied = smtp.received.slice(2);
    for (const site of ["AGLT2", "MWT2"]) {
      const mail = bySite(applied, site).parsed;
      const parent = headsUp.get(mail.subject);
      expect(mail.messageId).toMatch(
        new RegExp(`^<siteops\\.applied\\.pr42\\.${site}\\.[0-9a-f]{16}@siteops\\.invalid>$`),
      );
      expect(mail.inReplyTo).toBe(parent);
      expect(mail.references).toEqual([
        expect.stringMatching(new RegExp(`^<siteops\\.thread\\.pr42\\.${site}\\.`)),
        parent,
      ]);
      expect(mail.text).toContain(
        `Applied at ${site} (US): pull request #42 was merged; 1 change to the ATLAS configuration of your site is now in effect in ${REPOSITORY}.`,
      );
    }

    const again = await run(["--event", merged.event]);
    expect(again.code).toBe(0);
    expect(smtp.received).toHaveLength(4);
  });

  it("previews in the pull request exactly the text the applied mail will carry", async () => {
    const { head, event } = await openPullRequest();
    const { pullRequest } = pullRequestEvent(await readFile(event, "utf8"), event);
    const reader = new GitRevisionReader(repo.dir);
    const preview = await planNotifications({
      reader,
      schemas: new FsSchemaSource(),
      base: pullRequest.baseSha,
      head: pullRequest.headSha,
      stage: "applied",
      repository: REPOSITORY,
      pullRequest,
      templates: await readMailTemplates(),
    }).finally(() => reader.close());
    const markdown = renderMailPreviewMarkdown(preview.plan.mails);

    const merged = await merge(head);
    expect((await run(["--event", merged.event])).code).toBe(0);

    expect(smtp.received).toHaveLength(2);
    for (const mail of smtp.received) {
      const text = (mail.parsed.text ?? "").trimEnd();
      expect(markdown).toContain(`Subject: ${mail.parsed.subject}\n\n${text}\n\`\`\``);
    }
  });

  it("keeps the heads-up id across pushes that leave a site's changes alone, and mails only the changed site", async () => {
    const first = await openPullRequest();
    await run(["--event", first.event]);
    // A second push: the MWT2 value changes again, AGLT2 stays as it was.
    await repo.edit(MWT2, /^maxtime: 259200$/m, "maxtime: 345600");
    const head = await repo.commit("MWT2 maxtime 96 h");
    const event = await writeEvent(repo.dir, "synchronize", {
      number: 42,
      title: TITLE,
      base: repo.initial,
      head,
    });

    const { code } = await run(["--event", event]);

    expect(code).toBe(0);
    expect(smtp.received).toHaveLength(3);
    const update = smtp.received[2]!.parsed;
    expect(update.subject).toBe("[siteops] MWT2: 1 change (GGUS:1000981)");
    expect(update.text).toContain("172,800 s -> 345,600 s");
    // Same thread anchor as the first heads-up for MWT2.
    expect(update.references).toBe(bySite(smtp.received.slice(0, 2), "MWT2").parsed.references);
  });

  it("passes SITEOPS_SMTP_USER and SITEOPS_SMTP_PASSWORD from the environment to the server", async () => {
    await smtp.close();
    smtp = await startSmtp({ auth: { user: "siteops-bot", pass: "s3cret" } });
    const { event } = await openPullRequest();
    const io = fakeIo(repo.dir, {
      GITHUB_REPOSITORY: REPOSITORY,
      SITEOPS_SMTP_USER: "siteops-bot",
      SITEOPS_SMTP_PASSWORD: "s3cret",
    });

    const code = await notifyCommand(["--event", event, "--smtp", smtp.url], io, FAST);

    expect(code, io.err.join("")).toBe(0);
    expect(smtp.received.map((m) => m.user)).toEqual(["siteops-bot", "siteops-bot"]);
  });

  it("refuses an SMTP URL that carries credentials", async () => {
    const { event } = await openPullRequest();
    const io = fakeIo(repo.dir, {});

    await expect(
      notifyCommand(["--event", event, "--smtp", "smtp://bot:pw@127.0.0.1:25"], io, FAST),
    ).rejects.toThrow(
      "--smtp: the URL carries credentials, which would show in logs and process lists. Remove them and set SITEOPS_SMTP_USER and SITEOPS_SMTP_PASSWORD instead.",
    );
  });
});
