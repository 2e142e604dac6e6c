/**
 * `siteops check` end to end, part 1: the ticket check (live re-read after an edit, commit trailers)
 * and the field-level policy (the corepower bot, cloud teams in and out of their cloud). Real git
 * repository, real CLI, the OpenAPI-checked local GitHub with pull requests seeded from real webhooks.
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
const DE_QUEUE = "sites/DE/GoeGrid/queues/GoeGrid_UCORE.yaml";
const BOT = "siteops-corepower[bot]";
/** Everyone the default rules name for a change of an AGLT2 queue's maxrss (sorted, as the message lists them). */
const AGLT2_APPROVERS = [
  "@atlas-siteops/cloud-us",
  "@atlas-siteops/dpa",
  "@atlas-siteops/site-aglt2",
  "@pgrantham-aglt2",
];

let repo: GateRepo;
let server: GitHubServer | undefined;
const branches: Record<string, Branch> = {};

beforeAll(async () => {
  repo = await GateRepo.create();
  const maxrssUp = { file: QUEUE, find: "\nmaxrss: 48000\n", replace: "\nmaxrss: 64000\n" };
  branches.maxrss = await repo.branch("maxrss-up", [maxrssUp], "AGLT2: maxrss 48000 -> 64000 MB");
  branches.trailer = await repo.branch(
    "maxrss-trailer",
    [maxrssUp],
    "AGLT2: maxrss 48000 -> 64000 MB\n\nMore memory for the new worker nodes.\n\nTicket: ADCDPA-123",
  );
  // 14.54 -> 15.26 is +4.95 %; 14.54 -> 18.90 is +30.0 %.
  branches.corepower5 = await repo.branch(
    "corepower-5",
    [{ file: QUEUE, find: "\ncorepower: 14.54\n", replace: "\ncorepower: 15.26\n" }],
    "AGLT2: corepower 14.54 -> 15.26 (HEPscore23)",
  );
  branches.corepower30 = await repo.branch(
    "corepower-30",
    [{ file: QUEUE, find: "\ncorepower: 14.54\n", replace: "\ncorepower: 18.90\n" }],
    "AGLT2: corepower 14.54 -> 18.90 (HEPscore23)",
  );
  branches.deMaxrss = await repo.branch(
    "de-maxrss",
    [{ file: DE_QUEUE, find: "\nmaxrss: 16000\n", replace: "\nmaxrss: 24000\n" }],
    "GoeGrid_UCORE: maxrss 16000 -> 24000 MB",
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

describe("ticket", () => {
  it(
    "fails without a ticket; after the title is edited on GitHub a re-run reads it live and passes",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-us": ["us-squad"] });
      seedPullRequest(server, branches.maxrss!, {
        number: 101,
        title: "AGLT2: raise maxrss to 64000 MB",
        body: "More memory for the new worker nodes.",
        author: "us-squad",
      });
      server.state.addReview(101, { user: "pgrantham-aglt2", state: "APPROVED" });
      // The payload the workflow was triggered with, before the author fixed the title.
      const stale = await writeEvent(repo, "ticket-stale", server.state.pullRequestEvent(101, "opened"));

      const first = await runCheck(repo, ["--pr", "101"], gateEnv(server));
      expect(first.code).toBe(1);
      expect(first.json.verdict).toBe("fail");
      expect(first.check("ticket")).toMatchObject({ status: "fail" });
      expect(first.check("ticket").message).toMatch(/no ticket reference found/);
      expect(first.json.tickets).toEqual([]);
      // Only the ticket is missing: everything else about this pull request passes.
      for (const name of ["validation", "ownership", "policy", "notice"] as const)
        expect(first.check(name).status, name).toBe("pass");

      server.state.editPullRequest(101, { title: "GGUS:1001605 AGLT2: raise maxrss to 64000 MB" });
      const readsBefore = server.requestsTo("GET /repos/{owner}/{repo}/pulls/{pull_number}").length;
      const second = await runCheck(repo, ["--event", stale], gateEnv(server));

      expect(server.requestsTo("GET /repos/{owner}/{repo}/pulls/{pull_number}").length).toBeGreaterThan(
        readsBefore,
      );
      expect(second.check("ticket")).toMatchObject({ status: "pass", message: "references GGUS:1001605" });
      expect(second.json.tickets).toEqual([
        { system: "GGUS", id: "GGUS:1001605", url: "https://helpdesk.ggus.eu/#ticket/zoom/1001605" },
      ]);
      expect(second.json.verdict).toBe("pass");
      expect(second.code).toBe(0);
      expect(second.stderr).toBe("");
    },
    SLOW,
  );

  it(
    "is satisfied by a `Ticket: ADCDPA-123` commit trailer alone",
    async () => {
      server = await startGateServer(repo);
      seedPullRequest(server, branches.trailer!, {
        number: 102,
        title: "AGLT2: raise maxrss to 64000 MB",
        body: "More memory for the new worker nodes.",
        author: "us-squad",
      });
      const run = await runCheck(repo, ["--pr", "102"], gateEnv(server));

      expect(server.requestsTo("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits")).not.toHaveLength(0);
      expect(run.check("ticket")).toMatchObject({ status: "pass", message: "references ADCDPA-123" });
      expect(run.json.tickets).toEqual([
        { system: "JIRA", id: "ADCDPA-123", url: "https://its.cern.ch/jira/browse/ADCDPA-123" },
      ]);
    },
    SLOW,
  );
});

describe("policy: the corepower bot", () => {
  it(
    "passes a 5 % corepower change by the bot",
    async () => {
      server = await startGateServer(repo);
      seedPullRequest(server, branches.corepower5!, {
        number: 201,
        title: "AGLT2: corepower 14.54 -> 15.26 HS23/core (ADCDPA-123)",
        author: BOT,
      });
      expect(server.state.pullRequest(201).user).toMatchObject({ login: BOT, type: "Bot" });

      const run = await runCheck(repo, ["--pr", "201"], gateEnv(server));

      expect(run.check("policy")).toEqual({
        name: "policy",
        status: "pass",
        message: "every change is allowed by a policy rule",
      });
    },
    SLOW,
  );

  it(
    "fails a maxrss change by the bot, naming the rule, the field and who could approve; a US cloud team approval passes it",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-us": ["us-squad"] });
      seedPullRequest(server, branches.maxrss!, {
        number: 202,
        title: "AGLT2: maxrss 48000 -> 64000 MB (ADCDPA-123)",
        author: BOT,
      });

      const denied = await runCheck(repo, ["--pr", "202"], gateEnv(server));
      expect(denied.code).toBe(1);
      const policy = denied.check("policy");
      expect(policy.status).toBe("fail");
      expect(policy.message).toContain("`maxrss` of queue AGLT2");
      expect(policy.message).toContain(
        "rule `corepower-bot` allows only corepower, queue_defaults.corepower, corepower_pin, queue_defaults.corepower_pin",
      );
      expect(policy.message).toContain(`Could approve instead: ${AGLT2_APPROVERS.join(", ")}`);
      expect(policy.details).toEqual([
        {
          what: "`maxrss` of queue AGLT2",
          file: QUEUE,
          reason:
            "rule `corepower-bot` allows only corepower, queue_defaults.corepower, corepower_pin, queue_defaults.corepower_pin",
          couldApprove: AGLT2_APPROVERS,
        },
      ]);

      server.state.addReview(202, { user: "us-squad", state: "APPROVED" });
      const approved = await runCheck(repo, ["--pr", "202"], gateEnv(server));
      expect(approved.check("policy").status).toBe("pass");
      expect(approved.check("ownership")).toMatchObject({ status: "pass" });
      expect(approved.json.verdict).toBe("pass");
      expect(approved.code).toBe(0);
      expect(approved.stderr).toBe("");
    },
    SLOW,
  );

  it(
    "fails a +30 % corepower change by the bot (limit 20 %)",
    async () => {
      server = await startGateServer(repo);
      seedPullRequest(server, branches.corepower30!, {
        number: 203,
        title: "AGLT2: corepower 14.54 -> 18.90 HS23/core (ADCDPA-123)",
        author: BOT,
      });
      const run = await runCheck(repo, ["--pr", "203"], gateEnv(server));
      const policy = run.check("policy");
      expect(policy.status).toBe("fail");
      expect(policy.message).toContain("`corepower` of queue AGLT2");
      expect(policy.message).toContain(
        "rule `corepower-bot` limits corepower to +-20 % (this change is 30.0 %)",
      );
      expect(policy.message).toMatch(/Could approve instead: .*@atlas-siteops\/cloud-us/);
      expect(run.code).toBe(1);
    },
    SLOW,
  );
});

describe("policy: cloud teams", () => {
  it(
    "denies a DE cloud team member a US queue and allows them a DE queue",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-de": ["de-squad"] });
      seedPullRequest(server, branches.maxrss!, {
        number: 301,
        title: "AGLT2: maxrss 48000 -> 64000 MB (GGUS:1001605)",
        author: "de-squad",
      });
      seedPullRequest(server, branches.deMaxrss!, {
        number: 302,
        title: "GoeGrid_UCORE: maxrss 16000 -> 24000 MB (GGUS:1001605)",
        author: "de-squad",
      });

      const [us, de] = await Promise.all([
        runCheck(repo, ["--pr", "301"], gateEnv(server)),
        runCheck(repo, ["--pr", "302"], gateEnv(server)),
      ]);

      expect(us.check("policy").status).toBe("fail");
      expect(us.check("policy").message).toContain(
        "`maxrss` of queue AGLT2: no policy rule applies to @de-squad here",
      );
      expect(us.code).toBe(1);
      expect(de.check("policy")).toMatchObject({
        status: "pass",
        message: "every change is allowed by a policy rule",
      });
    },
    SLOW,
  );
});
