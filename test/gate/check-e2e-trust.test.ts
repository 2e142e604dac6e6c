/**
 * `siteops check` end to end, part 4: what a pull request must not be able to decide about itself.
 * The gate judges the head's changes by the base branch's rules: the policy and notice settings of
 * the base's siteops.config.yaml, owners as the base tree and the base's CODEOWNERS name them, and
 * approvals by the central team for the tool configuration (CODEOWNERS: `/siteops.config.yaml
 * @atlas-siteops/dpa`). These tests assert that behaviour.
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
} from "./check-e2e-harness.js";

const QUEUE = "sites/US/AGLT2/queues/AGLT2.yaml";
const CONFIG = "siteops.config.yaml";
const maxrssUp = { file: QUEUE, find: "\nmaxrss: 48000\n", replace: "\nmaxrss: 64000\n" };

let repo: GateRepo;
let server: GitHubServer | undefined;
const branches: Record<string, Branch> = {};

beforeAll(async () => {
  repo = await GateRepo.create();
  const config = await repo.text(CONFIG);
  branches.selfGrant = await repo.branch(
    "self-grant",
    [
      {
        file: CONFIG,
        write: `${config}\npolicy:\n  rules:\n    - name: mallory-everything\n      who: [{ user: mallory }]\n      may_change: ["**"]\n      may_add: true\n      may_remove: true\n      may_disable: true\n`,
      },
      { file: QUEUE, find: "\ncorepower: 14.54\n", replace: "\ncorepower: 20.0\n" },
    ],
    "AGLT2: corepower 14.54 -> 20.0",
  );
  branches.noNotice = await repo.branch(
    "no-notice",
    [
      { file: CONFIG, write: `${config}\nnotice:\n  hours: 0\n` },
      { file: QUEUE, find: "\nmaxrss: 48000\n", replace: "\nmaxrss: 32000\n" },
    ],
    "AGLT2: maxrss 48000 -> 32000 MB",
  );
  branches.selfOwner = await repo.branch(
    "self-owner",
    [
      {
        file: "sites/US/cloud.yaml",
        find: '  - "@atlas-siteops/dpa"\n',
        replace: '  - "@atlas-siteops/dpa"\n  - "@de-squad"\n',
      },
      maxrssUp,
    ],
    "US: co-own the cloud; AGLT2 maxrss 48000 -> 64000 MB",
  );
  await repo.branch(
    "main-custom-team",
    [
      {
        file: ".github/CODEOWNERS",
        write: "*                 @atlas-siteops/dpa\n/sites/US/AGLT2/  @atlas-siteops/aglt2-custodians\n",
      },
    ],
    "CODEOWNERS: AGLT2 custodians",
  );
  branches.customTeam = await repo.branch(
    "custom-team-maxrss",
    [maxrssUp],
    "AGLT2: maxrss 48000 -> 64000 MB",
    "main-custom-team",
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

describe("the base branch decides", () => {
  it(
    "a policy rule the pull request adds to siteops.config.yaml does not allow the pull request itself",
    async () => {
      server = await startGateServer(repo);
      seedPullRequest(server, branches.selfGrant!, {
        number: 901,
        title: "AGLT2: corepower 14.54 -> 20.0 (GGUS:1001605)",
        author: "mallory",
      });
      const run = await runCheck(repo, ["--pr", "901"], gateEnv(server));

      expect.soft(run.check("policy").status).toBe("fail");
      expect.soft(run.check("policy").message).toContain("no policy rule applies to @mallory here");
      expect
        .soft(run.check("ownership").details)
        .toContainEqual(expect.objectContaining({ file: CONFIG, owners: ["@atlas-siteops/dpa"] }));
      expect(run.json.verdict).toBe("fail");
    },
    SLOW,
  );

  it(
    "a notice period the pull request shortens in siteops.config.yaml still applies to it",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-us": ["us-squad"] });
      const anHourAgo = new Date(Date.now() - 3_600_000);
      seedPullRequest(server, branches.noNotice!, {
        number: 902,
        title: "AGLT2: maxrss 48000 -> 32000 MB (GGUS:1001605)",
        author: "us-squad",
        createdAt: anHourAgo,
      });
      server.state.addReview(902, { user: "pgrantham-aglt2", state: "APPROVED" });
      const run = await runCheck(repo, ["--pr", "902"], gateEnv(server));

      expect.soft(run.check("notice").status).toBe("fail");
      expect.soft(run.check("notice").message).toContain("may merge from");
      // The tool configuration is the central team's (CODEOWNERS `/siteops.config.yaml @atlas-siteops/dpa`).
      expect.soft(run.check("ownership").status).toBe("fail");
      expect
        .soft(run.check("ownership").details)
        .toContainEqual(expect.objectContaining({ file: CONFIG, owners: ["@atlas-siteops/dpa"] }));
      expect(run.json.verdict).toBe("fail");
    },
    SLOW,
  );

  it(
    "adding oneself to a cloud's owners does not give one the cloud team's rule in the same pull request",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-de": ["de-squad"] });
      seedPullRequest(server, branches.selfOwner!, {
        number: 903,
        title: "US: co-own the cloud (GGUS:1001605)",
        author: "de-squad",
      });
      const run = await runCheck(repo, ["--pr", "903"], gateEnv(server));

      const policy = run.check("policy");
      expect(policy.status).toBe("fail");
      expect(policy.message).toContain("`maxrss` of queue AGLT2: no policy rule applies to @de-squad here");
      expect(policy.message).toContain("of cloud US: no policy rule applies to @de-squad here");
    },
    SLOW,
  );

  it(
    "an approval by a member of a team named only in the base's CODEOWNERS counts",
    async () => {
      server = await startGateServer(repo, {
        "atlas-siteops/cloud-us": ["us-squad"],
        "atlas-siteops/aglt2-custodians": ["custodian"],
      });
      seedPullRequest(server, branches.customTeam!, {
        number: 904,
        title: "AGLT2: maxrss 48000 -> 64000 MB (GGUS:1001605)",
        author: "us-squad",
      });
      server.state.addReview(904, { user: "custodian", state: "APPROVED" });
      const run = await runCheck(repo, ["--pr", "904"], gateEnv(server));

      expect(run.check("ownership")).toMatchObject({
        status: "pass",
        details: [
          {
            object: "queue AGLT2",
            file: QUEUE,
            owners: ["@atlas-siteops/aglt2-custodians"],
            approvedBy: "custodian",
          },
        ],
      });
    },
    SLOW,
  );
});
