import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { notifyCommand } from "../../src/cli/commands/notify.js";
import {
  addresses,
  FAST,
  fakeIo,
  REPOSITORY,
  type Scenario,
  scenario,
  startSmtp,
  type TestSmtp,
  writeEvent,
} from "./helpers.js";

const SITE = "sites/US/AGLT2/site.yaml";
const QUEUE = "sites/US/AGLT2/queues/AGLT2.yaml";
const SCRIPT = "<script>alert(1)</script>";
const IMG = '"><img src=x onerror=alert(1)>';

describe("siteops notify with hostile values in the tree", () => {
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

  it("injects no header through a contact name and escapes YAML values in the HTML part", async () => {
    // The contact is in the base (recipients of a heads-up come from the base tree).
    await repo.edit(
      SITE,
      "contacts:\n",
      'contacts:\n  - name: "Eve\\r\\nBcc: attacker@evil.example\\r\\nSubject: pwned"\n    email: eve@umich.edu\n    roles:\n      - site-admin\n',
    );
    const base = await repo.commit("AGLT2: add Eve");
    await repo.edit(QUEUE, /^description: .*$/m, `description: '${SCRIPT} ${IMG.replace(/'/g, "''")}'`);
    const head = await repo.commit("AGLT2: new description");
    const event = await writeEvent(repo.dir, "opened", {
      number: 9,
      title: `Description ${SCRIPT} (GGUS:1000981)`,
      base,
      head,
    });

    const io = fakeIo(repo.dir, { GITHUB_REPOSITORY: REPOSITORY });
    const code = await notifyCommand(["--event", event, "--smtp", smtp.url], io, FAST);

    expect(code, io.err.join("")).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const { parsed, raw, envelope } = smtp.received[0]!;
    // No header was added: no Bcc, one Subject, and nobody outside the tree in the envelope.
    expect(parsed.headers.has("bcc")).toBe(false);
    expect(raw.toString().match(/^subject:/gim)).toHaveLength(1);
    expect(raw.toString()).not.toMatch(/^bcc:/im);
    expect(envelope.to).not.toContain("attacker@evil.example");
    expect(envelope.to.sort()).toEqual([
      "aglt2-admins@umich.edu",
      "atlas-adc-cloud-us@cern.ch",
      "eve@umich.edu",
      "pgrantham@umich.edu",
    ]);
    expect(parsed.subject).toBe("[siteops] AGLT2: 1 change (GGUS:1000981)");
    // The name survives on one line.
    const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
    const eve = to?.value.find((a) => a.address === "eve@umich.edu");
    expect(eve?.name).toBe("Eve Bcc: attacker@evil.example Subject: pwned");
    expect(addresses(parsed.to)).not.toContain("attacker@evil.example");

    // The HTML part shows the values only escaped.
    const html = parsed.html || "";
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;");
    // The text part carries them as plain text.
    expect(parsed.text).toContain(SCRIPT);
  });
});
