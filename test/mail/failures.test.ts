import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { notifyCommand } from "../../src/cli/commands/notify.js";
import {
  addresses,
  closedPort,
  FAST,
  fakeIo,
  REPOSITORY,
  type Scenario,
  scenario,
  startSmtp,
  type TestSmtp,
  writeEvent,
} from "./helpers.js";

const AGLT2 = "sites/US/AGLT2/queues/AGLT2.yaml";
const MWT2 = "sites/US/MWT2/queues/MWT2_UCORE.yaml";

describe("siteops notify when delivery goes wrong", () => {
  let repo: Scenario;
  const servers: TestSmtp[] = [];
  beforeEach(async () => {
    repo = await scenario();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await repo.cleanup();
  });

  async function twoSitePullRequest(): Promise<string> {
    await repo.edit(AGLT2, /^maxrss: 48000$/m, "maxrss: 32000");
    await repo.edit(MWT2, /^maxtime: 172800$/m, "maxtime: 259200");
    const head = await repo.commit("AGLT2 maxrss, MWT2 maxtime");
    return writeEvent(repo.dir, "opened", {
      number: 7,
      title: "Memory and walltime (GGUS:1000981)",
      base: repo.initial,
      head,
    });
  }

  const notify = async (args: string[]) => {
    const io = fakeIo(repo.dir, { GITHUB_REPOSITORY: REPOSITORY });
    const code = await notifyCommand(args, io, FAST);
    return { code, out: io.out.join(""), err: io.err.join("") };
  };

  it("delivers to the others when the server refuses one recipient for good, and names the address", async () => {
    const smtp = await startSmtp({
      rejectRcpt: (address) =>
        address === "pgrantham@umich.edu" ? "550 5.1.1 mailbox unavailable" : undefined,
    });
    servers.push(smtp);
    const event = await twoSitePullRequest();

    const result = await notify(["--event", event, "--smtp", smtp.url]);

    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "siteops: sites/US/AGLT2/site.yaml: the mail server refused pgrantham@umich.edu for good (550 5.1.1 mailbox unavailable); the other recipients got the mail. Fix or remove the address.",
    );
    expect(smtp.received).toHaveLength(2);
    const aglt2 = smtp.received.find((m) => m.parsed.subject?.includes("AGLT2"))!;
    expect(aglt2.envelope.to.sort()).toEqual(["aglt2-admins@umich.edu", "atlas-adc-cloud-us@cern.ch"]);
    // The header still shows everyone the mail was addressed to.
    expect(addresses(aglt2.parsed.to)).toContain("pgrantham@umich.edu");

    // The mail counts as sent: a re-run neither repeats it nor reports the refusal again.
    const again = await notify(["--event", event, "--smtp", smtp.url]);
    expect(again.code).toBe(0);
    expect(smtp.received).toHaveLength(2);
  });

  it("reports a sender the server refuses for good, records nothing and tries again next time", async () => {
    const smtp = await startSmtp({ rejectSender: "550 5.7.1 sender not allowed" });
    servers.push(smtp);
    const event = await twoSitePullRequest();

    const result = await notify(["--event", event, "--smtp", smtp.url]);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /siteops: AGLT2: the mail server refused <siteops\.heads-up\.pr7\.AGLT2\.[0-9a-f]{16}@siteops\.invalid> \(EENVELOPE: 550 5\.7\.1 sender not allowed\)\. Check notifications\.from and the relay's policy; the mail is not recorded as sent, so the next run tries again\./,
    );
    expect(smtp.received).toHaveLength(0);
    expect(await repo.git("branch", "--list", "siteops-ledger")).toBe("");
  });

  it("retries a server that answers 421, and delivers each mail once", async () => {
    const smtp = await startSmtp({ refuseConnections: 2 });
    servers.push(smtp);
    const event = await twoSitePullRequest();

    const result = await notify(["--event", event, "--smtp", smtp.url]);

    expect(result.code, result.err).toBe(0);
    expect(smtp.refused()).toBe(2);
    expect(smtp.received.map((m) => m.parsed.subject).sort()).toEqual([
      "[siteops] AGLT2: 1 change (GGUS:1000981)",
      "[siteops] MWT2: 1 change (GGUS:1000981)",
    ]);
  });

  it("keeps mails in the outbox while the server is down, and --resend delivers each exactly once", async () => {
    const port = await closedPort();
    const url = `smtp://127.0.0.1:${port}`;
    const outbox = join(repo.dir, ".git", "outbox");
    const event = await twoSitePullRequest();

    const down = await notify(["--event", event, "--smtp", url, "--outbox", outbox]);

    expect(down.code).toBe(1);
    expect(down.err).toMatch(
      /AGLT2: <siteops\.heads-up\.pr7\.AGLT2\.[0-9a-f]+@siteops\.invalid> is not delivered yet \(ESOCKET: connect ECONNREFUSED 127\.0\.0\.1:\d+\); it is kept in \.git\/outbox\. Run siteops notify --resend \.git\/outbox once the server accepts mail\./,
    );
    const kept = (await readdir(outbox)).sort();
    expect(kept).toHaveLength(4);
    expect(kept.filter((f) => f.endsWith(".eml"))).toHaveLength(2);
    expect(kept.filter((f) => f.endsWith(".json"))).toHaveLength(2);

    const smtp = await startSmtp({ port });
    servers.push(smtp);
    const resent = await notify(["--resend", outbox, "--smtp", url]);

    expect(resent.code, resent.err).toBe(0);
    expect(smtp.received).toHaveLength(2);
    expect(await readdir(outbox)).toEqual([]);
    const aglt2 = smtp.received.find((m) => m.parsed.subject?.includes("AGLT2"))!;
    expect(aglt2.parsed.messageId).toMatch(/^<siteops\.heads-up\.pr7\.AGLT2\./);
    expect(aglt2.envelope.to.sort()).toEqual([
      "aglt2-admins@umich.edu",
      "atlas-adc-cloud-us@cern.ch",
      "pgrantham@umich.edu",
    ]);

    // Neither a second resend nor a re-run of the event sends anything again.
    expect((await notify(["--resend", outbox, "--smtp", url])).code).toBe(0);
    expect((await notify(["--event", event, "--smtp", url, "--outbox", outbox])).code).toBe(0);
    expect(smtp.received).toHaveLength(2);
    expect(await readdir(outbox)).toEqual([]);
  });

  it("stops at a login failure, keeps every mail in the outbox and exits with an operational error", async () => {
    const smtp = await startSmtp({ auth: { user: "siteops-bot", pass: "right" } });
    servers.push(smtp);
    const outbox = join(repo.dir, ".git", "outbox");
    const event = await twoSitePullRequest();
    const io = fakeIo(repo.dir, { SITEOPS_SMTP_USER: "siteops-bot", SITEOPS_SMTP_PASSWORD: "wrong" });

    await expect(
      notifyCommand(["--event", event, "--smtp", smtp.url, "--outbox", outbox], io, FAST),
    ).rejects.toThrow(
      /^SMTP login failed \(EAUTH: 535 .*\)\. Check SITEOPS_SMTP_USER and SITEOPS_SMTP_PASSWORD\. Undelivered mails are kept in \.git\/outbox; run siteops notify --resend \.git\/outbox once fixed\.$/,
    );
    expect(smtp.received).toHaveLength(0);
    expect((await readdir(outbox)).filter((f) => f.endsWith(".eml"))).toHaveLength(2);
  });
});
