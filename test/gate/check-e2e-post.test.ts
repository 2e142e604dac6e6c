/**
 * `siteops check` end to end, part 2: `--post` (one sticky comment updated in place, the
 * `siteops/check` commit status) and the notice period for disruptive changes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../github/index.js";
import {
  type Branch,
  finishServer,
  GateRepo,
  gateEnv,
  isoSeconds,
  MARKER,
  runCheck,
  SLOW,
  seedPullRequest,
  startGateServer,
} from "./check-e2e-harness.js";

const QUEUE = "sites/US/AGLT2/queues/AGLT2.yaml";
const CREATE_COMMENT = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const UPDATE_COMMENT = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";
const CREATE_STATUS = "POST /repos/{owner}/{repo}/statuses/{sha}";
const HOUR = 3_600_000;

let repo: GateRepo;
let server: GitHubServer | undefined;
const branches: Record<string, Branch> = {};

beforeAll(async () => {
  repo = await GateRepo.create();
  branches.up = await repo.branch(
    "maxrss-up",
    [{ file: QUEUE, find: "\nmaxrss: 48000\n", replace: "\nmaxrss: 64000\n" }],
    "AGLT2: maxrss 48000 -> 64000 MB",
  );
  branches.down = await repo.branch(
    "maxrss-down",
    [{ file: QUEUE, find: "\nmaxrss: 48000\n", replace: "\nmaxrss: 32000\n" }],
    "AGLT2: maxrss 48000 -> 32000 MB",
  );
  branches.removal = await repo.branch(
    "remove-test-queue",
    [{ file: "sites/US/AGLT2/queues/AGLT2_TEST.yaml", remove: true }],
    "AGLT2: retire AGLT2_TEST",
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

describe("--post", () => {
  it(
    "three runs leave one sticky comment, updated in place, and a siteops/check status per verdict",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-us": ["us-squad"] });
      const { state } = server;
      seedPullRequest(server, branches.up!, {
        number: 401,
        title: "AGLT2: raise maxrss to 64000 MB",
        author: "us-squad",
      });
      state.addReview(401, { user: "pgrantham-aglt2", state: "APPROVED" });
      state.addComment(401, "Thanks, the new nodes have 8 GB per core.", "pgrantham-aglt2");
      const head = branches.up!.head;
      const ours = () => state.commentsOn(401).filter((c) => String(c.body).includes(MARKER));

      const first = await runCheck(repo, ["--pr", "401", "--post"], gateEnv(server));
      expect(first.json.verdict).toBe("fail");
      expect(first.check("ticket").status).toBe("fail");
      expect(ours()).toHaveLength(1);
      const comment = ours()[0]!;
      const firstBody = String(comment.body);
      expect(firstBody.startsWith(`${MARKER}\n`)).toBe(true);
      expect(firstBody).toContain("must not merge yet");
      expect(comment.user).toMatchObject({ login: "github-actions[bot]" });
      expect(state.statusesFor(head)[0]).toMatchObject({
        context: "siteops/check",
        state: "failure",
        description: "failed: ticket",
      });

      const second = await runCheck(repo, ["--pr", "401", "--post"], gateEnv(server));
      expect(second.json.verdict).toBe("fail");
      expect(ours()).toHaveLength(1);
      expect(String(ours()[0]!.body)).toBe(firstBody);
      expect(server.requestsTo(UPDATE_COMMENT)).toHaveLength(0); // same verdict, same text: nothing to write

      state.editPullRequest(401, { title: "GGUS:1001605 AGLT2: raise maxrss to 64000 MB" });
      const third = await runCheck(repo, ["--pr", "401", "--post"], gateEnv(server));
      expect(third.json.verdict).toBe("pass");
      expect(third.code).toBe(0);
      expect(third.stderr).toBe("");

      // One siteops comment (next to the reviewer's), created once and then edited in place.
      expect(state.commentsOn(401)).toHaveLength(2);
      expect(ours()).toHaveLength(1);
      expect(ours()[0]!.id).toBe(comment.id);
      expect(String(ours()[0]!.body)).toContain("may merge");
      expect(String(ours()[0]!.body)).toContain("GGUS:1001605");
      // The preview of the mail AGLT2's contacts will get on merge, with its recipients.
      expect(String(ours()[0]!.body)).toContain("### Site notifications");
      expect(String(ours()[0]!.body)).toContain("[siteops] AGLT2: 1 change (GGUS:1001605)");
      expect(String(ours()[0]!.body)).toContain("aglt2-admins@umich.edu");
      expect(server.requestsTo(CREATE_COMMENT)).toHaveLength(1);
      const patches = server.requestsTo(UPDATE_COMMENT);
      expect(patches).toHaveLength(1);
      expect(patches[0]!.path).toMatch(new RegExp(`/issues/comments/${String(comment.id)}$`));

      // A status per run on the head commit, the newest matching the verdict.
      const statuses = server.requestsTo(CREATE_STATUS);
      expect(statuses).toHaveLength(3);
      for (const request of statuses) expect(request.path).toContain(`/statuses/${head}`);
      expect(state.statusesFor(head).map((s) => [s.context, s.state])).toEqual([
        ["siteops/check", "success"],
        ["siteops/check", "failure"],
        ["siteops/check", "failure"],
      ]);
      expect(state.statusesFor(head)[0]).toMatchObject({
        description: "ticket, ownership, policy and notice pass",
      });
    },
    SLOW,
  );
});

describe("notice", () => {
  it(
    "fails a maxrss reduction on a PR opened an hour ago until created_at + 48 h; `urgent` or an older PR pass",
    async () => {
      server = await startGateServer(repo, { "atlas-siteops/cloud-us": ["us-squad"] });
      const anHourAgo = new Date(Date.now() - HOUR);
      const created = isoSeconds(anHourAgo);
      const earliest = isoSeconds(new Date(Date.parse(created) + 48 * HOUR));
      const threeDaysAgo = new Date(Date.now() - 72 * HOUR);
      const endedAt = isoSeconds(new Date(Date.parse(isoSeconds(threeDaysAgo)) + 48 * HOUR));
      const title = "AGLT2: maxrss 48000 -> 32000 MB (GGUS:1001605)";
      const common = { title, author: "us-squad" };
      seedPullRequest(server, branches.down!, { ...common, number: 501, createdAt: anHourAgo });
      seedPullRequest(server, branches.down!, {
        ...common,
        number: 502,
        createdAt: anHourAgo,
        labels: ["urgent"],
      });
      seedPullRequest(server, branches.down!, { ...common, number: 503, createdAt: threeDaysAgo });
      expect(server.state.pullRequest(501).created_at).toBe(created);

      const [recent, urgent, old] = await Promise.all(
        ["501", "502", "503"].map((n) => runCheck(repo, ["--pr", n], gateEnv(server!))),
      );

      const notice = recent!.check("notice");
      expect(notice.status).toBe("fail");
      expect(notice.message).toContain("queue AGLT2: maxrss reduced from 48000 to 32000");
      expect(notice.message).toContain(`may merge from ${earliest} (48 h after the heads-up)`);
      expect(notice.details).toEqual({ earliestMerge: earliest });
      expect(recent!.json.verdict).toBe("fail");
      expect(recent!.code).toBe(1);

      expect(urgent!.check("notice").status).toBe("pass");
      expect(urgent!.check("notice").message).toContain("notice waived by the `urgent` label");

      expect(old!.check("notice").status).toBe("pass");
      expect(old!.check("notice").message).toContain(`the 48 h notice ended at ${endedAt}`);
    },
    SLOW,
  );

  it(
    "fails the removal of a queue on a PR opened an hour ago, with the earliest merge time",
    async () => {
      server = await startGateServer(repo);
      const anHourAgo = new Date(Date.now() - HOUR);
      const earliest = isoSeconds(new Date(Date.parse(isoSeconds(anHourAgo)) + 48 * HOUR));
      seedPullRequest(server, branches.removal!, {
        number: 504,
        title: "AGLT2: retire AGLT2_TEST (ADCDPA-123)",
        author: "dpa-operator",
        createdAt: anHourAgo,
      });
      const run = await runCheck(repo, ["--pr", "504"], gateEnv(server));
      const notice = run.check("notice");
      expect(notice.status).toBe("fail");
      expect(notice.message).toContain("queue AGLT2_TEST removed");
      expect(notice.message).toContain(`may merge from ${earliest}`);
      expect(notice.details).toEqual({ earliestMerge: earliest });
      expect(run.code).toBe(1);
    },
    SLOW,
  );
});
