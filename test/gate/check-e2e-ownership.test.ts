/**
 * `siteops check` end to end, part 3: approvals by owners (generated from the base tree, or the base
 * branch's CODEOWNERS), the offline run from an event payload without a token, and validation
 * failures in the head.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../github/index.js";
import {
  type Branch,
  finishServer,
  GateRepo,
  gateEnv,
  runCheck,
  SLOW,
  seedPullRequest,
  startGateServer,
  writeEvent,
} from "./check-e2e-harness.js";

const QUEUE = "sites/US/AGLT2/queues/AGLT2.yaml";
/** AGLT2's owners as the generated CODEOWNERS line lists them: site owners, then cloud owners. */
const AGLT2_OWNERS = [
  "@atlas-siteops/site-aglt2",
  "@pgrantham-aglt2",
  "@atlas-siteops/cloud-us",
  "@atlas-siteops/dpa",
];
const maxrssUp = { file: QUEUE, find: "\nmaxrss: 48000\n", replace: "\nmaxrss: 64000\n" };

let repo: GateRepo;
let server: GitHubServer | undefined;
const branches: Record<string, Branch> = {};

beforeAll(async () => {
  repo = await GateRepo.create();
  branches.up = await repo.branch("maxrss-up", [maxrssUp], "AGLT2: maxrss 48000 -> 64000 MB");
  branches.upTrailer = await repo.branch(
    "maxrss-up-trailer",
    [maxrssUp],
    "AGLT2: maxrss 48000 -> 64000 MB\n\nTicket: ADCDPA-123",
  );
  branches.down = await repo.branch(
    "maxrss-down",
    [{ file: QUEUE, find: "\nmaxrss: 48000\n", replace: "\nmaxrss: 32000\n" }],
    "AGLT2: maxrss 48000 -> 32000 MB",
  );
  branches.broken = await repo.branch(
    "broken-corecount",
    [{ file: QUEUE, find: "\ncorecount: 8\n", replace: '\ncorecount: "8"\n' }],
    "AGLT2: corecount as text",
  );
  // A base branch with its own CODEOWNERS; the pull request's head rewrites it in its own favour.
  await repo.branch(
    "main-codeowners",
    [
      {
        file: ".github/CODEOWNERS",
        write:
          "*                 @atlas-siteops/dpa\n/sites/US/AGLT2/  @aglt2-custodian @atlas-siteops/dpa\n",
      },
    ],
    "CODEOWNERS",
  );
  branches.codeowners = await repo.branch(
    "codeowners-rewrite",
    [maxrssUp, { file: ".github/CODEOWNERS", write: "* @mallory\n" }],
    "AGLT2: maxrss 48000 -> 64000 MB",
    "main-codeowners",
  );
}, SLOW);

afterAll(async () => {
  await repo?.cleanup();
});

afterEach(async () => {
  const ended = server;
  server = undefined;
  await finishServer(ended);
});

describe("ownership", () => {
  it(
    "fails without an owner's approval and lists the owners; the author's own approval does not count; a site owner's does",
    async () => {
      server = await startGateServer(repo, {
        "atlas-siteops/site-aglt2": ["aglt2-admin"],
        "atlas-siteops/cloud-us": ["us-squad"],
      });
      const { state } = server;
      // By a site owner listed by name in site.yaml (policy: the site-owners rule allows maxrss).
      seedPullRequest(server, branches.up!, {
        number: 601,
        title: "AGLT2: maxrss 48000 -> 64000 MB (GGUS:1001605)",
        author: "pgrantham-aglt2",
      });
      // By the US cloud team, approved by that site owner.
      seedPullRequest(server, branches.up!, {
        number: 602,
        title: "AGLT2: maxrss 48000 -> 64000 MB (GGUS:1001605)",
        author: "us-squad",
      });
      state.addReview(602, { user: "pgrantham-aglt2", state: "APPROVED" });

      const none = await runCheck(repo, ["--pr", "601"], gateEnv(server));
      expect(none.check("ownership")).toEqual({
        name: "ownership",
        status: "fail",
        message: `still needs approval: queue AGLT2: ${AGLT2_OWNERS.join(" or ")}`,
        details: [{ object: "queue AGLT2", file: QUEUE, owners: AGLT2_OWNERS }],
      });
      expect(none.check("policy").status).toBe("pass");
      expect(none.json.verdict).toBe("fail");
      expect(none.code).toBe(1);

      state.addReview(601, { user: "pgrantham-aglt2", state: "APPROVED" }); // the author's own
      state.addReview(601, { user: "aglt2-admin", state: "COMMENTED" });
      const own = await runCheck(repo, ["--pr", "601"], gateEnv(server));
      expect(own.check("ownership").status).toBe("fail");
      expect(own.check("ownership").details).toEqual([
        { object: "queue AGLT2", file: QUEUE, owners: AGLT2_OWNERS },
      ]);

      state.addReview(601, { user: "aglt2-admin", state: "APPROVED" }); // member of @atlas-siteops/site-aglt2
      const [team, named] = await Promise.all([
        runCheck(repo, ["--pr", "601"], gateEnv(server)),
        runCheck(repo, ["--pr", "602"], gateEnv(server)),
      ]);
      expect(team!.check("ownership")).toEqual({
        name: "ownership",
        status: "pass",
        message: "every changed object is approved by an owner",
        details: [{ object: "queue AGLT2", file: QUEUE, owners: AGLT2_OWNERS, approvedBy: "aglt2-admin" }],
      });
      expect(team!.json.verdict).toBe("pass");
      expect(named!.check("ownership").details).toEqual([
        { object: "queue AGLT2", file: QUEUE, owners: AGLT2_OWNERS, approvedBy: "pgrantham-aglt2" },
      ]);
      expect(named!.json.verdict).toBe("pass");
      expect(named!.code).toBe(0);
    },
    SLOW,
  );

  it(
    "takes the owners from the base branch's CODEOWNERS, not from the pull request's",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-us": ["us-squad"] });
      seedPullRequest(server, branches.codeowners!, {
        number: 603,
        title: "AGLT2: maxrss 48000 -> 64000 MB (GGUS:1001605)",
        author: "us-squad",
      });
      server.state.addReview(603, { user: "mallory", state: "APPROVED" });

      const run = await runCheck(repo, ["--pr", "603"], gateEnv(server));

      const ownership = run.check("ownership");
      expect(ownership.status).toBe("fail");
      expect(ownership.details).toContainEqual({
        object: "queue AGLT2",
        file: QUEUE,
        owners: ["@aglt2-custodian", "@atlas-siteops/dpa"],
      });
      expect(ownership.message).toContain("queue AGLT2: @aglt2-custodian or @atlas-siteops/dpa");
    },
    SLOW,
  );
});

describe("offline: --event FILE without a token", () => {
  it(
    "computes the verdict from the payload and git alone, skips ownership, exits per verdict and calls no API",
    async () => {
      server = await startGateServer(repo);
      seedPullRequest(server, branches.upTrailer!, {
        number: 701,
        title: "AGLT2: maxrss 48000 -> 64000 MB",
        author: "pgrantham-aglt2",
      });
      const anHourAgo = new Date(Date.now() - 3_600_000);
      seedPullRequest(server, branches.down!, {
        number: 702,
        title: "AGLT2: maxrss 48000 -> 32000 MB (GGUS:1001605)",
        author: "us-squad",
        createdAt: anHourAgo,
      });
      const pass = await writeEvent(repo, "offline-701", server.state.pullRequestEvent(701, "opened"));
      const fail = await writeEvent(repo, "offline-702", server.state.pullRequestEvent(702, "synchronize"));
      const offline = gateEnv(server, false);

      const [ok, bad] = await Promise.all([
        runCheck(repo, ["--event", pass], offline),
        runCheck(repo, ["--event", fail], offline),
      ]);

      expect(server.requests).toEqual([]);

      // A site owner named in site.yaml: the policy can tell offline; the ticket is a commit trailer.
      expect(ok.json.verdict).toBe("pass");
      expect(ok.code).toBe(0);
      expect(ok.stderr).toBe("");
      expect(ok.json.checks.map((c) => [c.name, c.status])).toEqual([
        ["validation", "pass"],
        ["ticket", "pass"],
        ["ownership", "skipped"],
        ["policy", "pass"],
        ["notice", "pass"],
      ]);
      expect(ok.check("ownership").message).toMatch(/^reviews not read \(no token\): needs approval from/);
      expect(ok.json.tickets).toEqual([
        { system: "JIRA", id: "ADCDPA-123", url: "https://its.cern.ch/jira/browse/ADCDPA-123" },
      ]);
      expect(ok.json.changes).toMatchObject({
        base: branches.upTrailer!.base,
        head: branches.upTrailer!.head,
      });

      expect(bad.json.verdict).toBe("fail");
      expect(bad.code).toBe(1);
      expect(bad.check("ownership").status).toBe("skipped");
      expect(bad.check("notice").status).toBe("fail");
      // Team membership of the author cannot be read offline, and the message says so.
      expect(bad.check("policy").message).toContain("not checked offline");
    },
    SLOW,
  );
});

describe("validation", () => {
  it(
    "fails on a broken queue file in the head, naming file and line",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-us": ["us-squad"] });
      seedPullRequest(server, branches.broken!, {
        number: 801,
        title: "AGLT2: corecount (GGUS:1001605)",
        author: "us-squad",
      });
      const line = await repo.lineOf(QUEUE, "corecount:");

      const run = await runCheck(repo, ["--pr", "801"], gateEnv(server));

      const validation = run.check("validation");
      expect(validation.status).toBe("fail");
      expect(validation.message).toBe(`1 problem in the tree at ${branches.broken!.head.slice(0, 12)}`);
      expect(validation.details).toEqual([
        expect.objectContaining({ severity: "error", code: "schema-type", file: QUEUE, line }),
      ]);
      expect(run.json.verdict).toBe("fail");
      expect(run.code).toBe(1);
    },
    SLOW,
  );
});
