import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DRIFT_ISSUE_LABEL,
  DRIFT_ISSUE_MARKER,
  type DriftIssueAction,
  type DriftSummary,
  decideDriftIssue,
  driftIssueBody,
  noDriftBody,
} from "../../src/core/cric/drift-issue.js";
import { faults, type GitHubServer, issuesOf, seedIssue, startGitHubServer } from "../github/index.js";
import { AGLT2_2026, CERN_2022, cric, type Json, readJson, withEmptyRepo } from "./helpers.js";

const LIVE = "https://cric.example/api/atlas/pandaqueue/query/?json";
const drift = (changes: number, markdown = "## AGLT2\n\nmaxrss: 48,000 → 64,000\n"): DriftSummary => ({
  changes,
  markdown,
  live: LIVE,
});

describe("decideDriftIssue", () => {
  const body = driftIssueBody(drift(1));
  const cases: Array<[string, { number: number; body: string } | undefined, DriftSummary, DriftIssueAction]> =
    [
      ["no drift, no issue: nothing", undefined, drift(0, ""), { kind: "none" }],
      [
        "no drift, an open issue: close it",
        { number: 7, body },
        drift(0, ""),
        { kind: "close", number: 7, body: noDriftBody(LIVE) },
      ],
      [
        "drift, no issue: create it",
        undefined,
        drift(1),
        { kind: "create", title: "CRIC drift: 1 change between the repository and CRIC", body },
      ],
      ["drift, the same body: nothing", { number: 7, body }, drift(1), { kind: "none", number: 7 }],
      [
        "drift, the same body with CRLF line ends: nothing",
        { number: 7, body: body.replace(/\n/g, "\r\n") },
        drift(1),
        { kind: "none", number: 7 },
      ],
      [
        "drift, another body: update it",
        { number: 7, body },
        drift(2, "## AGLT2\n\nmaxrss changed\n\n## CERN\n\nremoved\n"),
        {
          kind: "update",
          number: 7,
          title: "CRIC drift: 2 changes between the repository and CRIC",
          body: driftIssueBody(drift(2, "## AGLT2\n\nmaxrss changed\n\n## CERN\n\nremoved\n")),
        },
      ],
    ];
  it.each(cases)("%s", (_name, current, summary, expected) => {
    expect(decideDriftIssue(current, summary)).toEqual(expected);
  });

  it("puts the marker in every body it writes", () => {
    expect(driftIssueBody(drift(1))).toContain(DRIFT_ISSUE_MARKER);
    expect(noDriftBody(LIVE)).toContain(DRIFT_ISSUE_MARKER);
  });
});

const OWNER = "atlas-adc";
const REPO = "siteops-config";
const TOKEN = "t0ken";
const ISSUES = "GET /repos/{owner}/{repo}/issues";
const CREATE = "POST /repos/{owner}/{repo}/issues";
const PATCH = "PATCH /repos/{owner}/{repo}/issues/{issue_number}";

describe("siteops cric drift --issue", { timeout: 60_000 }, () => {
  let server: GitHubServer;
  beforeEach(async () => {
    server = await startGitHubServer({ owner: OWNER, repo: REPO, token: TOKEN });
  });
  afterEach(async () => {
    server.assertNoViolations();
    await server.close();
  });

  it("opens one issue on drift, leaves it alone when unchanged, updates it, and closes it", async () => {
    await withEmptyRepo(async (dir) => {
      const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: server.url };
      const dump: Record<string, Json> = { CERN: await readJson(CERN_2022), ...(await readJson(AGLT2_2026)) };
      await writeFile(join(dir, "dump.json"), JSON.stringify(dump));
      expect((await cric(["import", "--pandaqueues", "dump.json"], dir)).code).toBe(0);
      // Someone else's issue with the label but without the marker is never touched.
      seedIssue(server.state, { title: "CRIC question", body: "by hand", labels: [DRIFT_ISSUE_LABEL] });
      const run = async (live: unknown) => {
        await writeFile(join(dir, "live.json"), JSON.stringify(live));
        return cric(["drift", "--live", "live.json", "--issue", "--format", "json"], dir, env);
      };
      const open = () =>
        [...issuesOf(server.state).values()].filter(
          (i) => i.state === "open" && String(i.body).includes(DRIFT_ISSUE_MARKER),
        );

      const first = await run({ ...dump, AGLT2: { ...dump.AGLT2, maxrss: 64000 } });
      expect(first.code).toBe(1);
      expect(first.stderr).toMatch(/opened drift issue #2/);
      expect(server.requestsTo(CREATE)).toHaveLength(1);
      expect(server.requestsTo(CREATE)[0]!.body).toMatchObject({ labels: [DRIFT_ISSUE_LABEL] });
      expect(open()).toHaveLength(1);
      expect(open()[0]!.body).toContain("maxrss");

      const again = await run({ ...dump, AGLT2: { ...dump.AGLT2, maxrss: 64000 } });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/drift issue #2 is up to date/);
      expect(server.requestsTo(CREATE)).toHaveLength(1);
      expect(server.requestsTo(PATCH)).toHaveLength(0);

      const changed = await run({ ...dump, AGLT2: { ...dump.AGLT2, maxrss: 96000 } });
      expect(changed.code).toBe(1);
      expect(changed.stderr).toMatch(/updated drift issue #2/);
      expect(server.requestsTo(CREATE)).toHaveLength(1);
      expect(server.requestsTo(PATCH)).toHaveLength(1);
      expect(open()).toHaveLength(1);
      expect(open()[0]!.body).toContain("96,000");

      const gone = await run(dump);
      expect(gone.code).toBe(0);
      expect(gone.stderr).toMatch(/closed drift issue #2/);
      expect(server.requestsTo(PATCH)[1]!.body).toMatchObject({ state: "closed" });
      expect(open()).toHaveLength(0);
      expect(issuesOf(server.state).get(1)).toMatchObject({ state: "open", body: "by hand" });

      const quiet = await run(dump);
      expect(quiet.code).toBe(0);
      expect(server.requestsTo(PATCH)).toHaveLength(2);
      expect(server.requestsTo(ISSUES).every((r) => r.query.labels === DRIFT_ISSUE_LABEL)).toBe(true);
    });
  });

  it("is a usage error without GITHUB_TOKEN and GITHUB_REPOSITORY", async () => {
    await withEmptyRepo(async (dir) => {
      const result = await cric(["drift", "--live", "live.json", "--issue"], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--issue needs GITHUB_TOKEN");
      expect(server.requests).toHaveLength(0);
    });
  });

  it("names issues: write when the token may not open issues", async () => {
    await withEmptyRepo(async (dir) => {
      const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: server.url };
      const dump: Record<string, Json> = { CERN: await readJson(CERN_2022) };
      await mkdir(join(dir, "sites"));
      await writeFile(join(dir, "live.json"), JSON.stringify(dump));
      server.failNext(CREATE, faults.forbidden());
      const result = await cric(["drift", "--live", "live.json", "--issue"], dir, env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("issues: write");
    });
  });
});
