/**
 * Shared set-up for the `siteops check` end-to-end tests: a real git repository holding the bundled
 * tree (base commit on `main`) with one branch per scenario, the local OpenAPI-checked GitHub server
 * with pull requests seeded from real webhook payloads whose base/head shas are the repository's
 * commits, and the built CLI run asynchronously (the server lives in the test's event loop).
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { type GitHubServer, loadWebhookExample, startGitHubServer } from "../github/index.js";
import { bundledRepoCopy, type CliResult, git, runCli } from "../helpers/repo.js";

export const OWNER = "atlas-adc";
export const REPO = "siteops-config";
export const TOKEN = "ghs_gate_e2e_token";
export const MARKER = "<!-- siteops:check -->";
/** CLI runs take a few seconds each (more on a loaded machine); a test makes up to four. */
export const SLOW = 180_000;

export interface GateCheck {
  name: "validation" | "ticket" | "ownership" | "policy" | "notice";
  status: "pass" | "fail" | "skipped";
  message: string;
  details?: unknown;
}

/** `siteops check --format json`. */
export interface GateJson {
  verdict: "pass" | "fail";
  checks: GateCheck[];
  tickets: { system: string; id: string; url: string }[];
  changes: { base: string; head: string; changes: { kind: string; name: string; action: string }[] };
}

export interface CheckRun extends CliResult {
  json: GateJson;
  check(name: GateCheck["name"]): GateCheck;
}

/** A file edit of a scenario branch: replace text (must be found), write a whole file, or delete one. */
export type Edit =
  | { file: string; find: string; replace: string }
  | { file: string; write: string }
  | { file: string; remove: true };

export interface Branch {
  name: string;
  base: string;
  head: string;
  /** The branch's commits (base..head), oldest first: what GitHub lists for the pull request. */
  commits: { sha: string; message: string }[];
}

const COMMITTER = ["-c", "user.name=siteops test", "-c", "user.email=test@siteops.invalid"];

/** A temp git repository: `main` = the bundled tree; scenario branches are created off it. */
export class GateRepo {
  private constructor(
    readonly dir: string,
    private readonly remove: () => Promise<void>,
  ) {}

  static async create(): Promise<GateRepo> {
    const { dir, cleanup } = await bundledRepoCopy();
    return new GateRepo(dir, cleanup);
  }

  /** Commits `edits` on a new branch off `from` (one commit per message) and returns to `main`. */
  async branch(name: string, edits: Edit[], messages: string | string[], from = "main"): Promise<Branch> {
    const base = (await git(this.dir, "rev-parse", from)).trim();
    await git(this.dir, "checkout", "-q", "-b", name, from);
    try {
      const list = Array.isArray(messages) ? messages : [messages];
      for (const [i, message] of list.entries()) {
        // All edits go into the first commit; further messages make (empty) follow-up commits.
        if (i === 0) await this.apply(edits);
        await git(this.dir, ...COMMITTER, "add", "-A");
        await git(this.dir, ...COMMITTER, "commit", "-q", "--allow-empty", "-m", message);
      }
    } finally {
      await git(this.dir, "checkout", "-q", "main");
    }
    const head = (await git(this.dir, "rev-parse", name)).trim();
    const log = await git(this.dir, "log", "--reverse", "--format=%H%x00%B%x1e", `${base}..${head}`);
    const commits = log
      .split("\x1e")
      .map((entry) => entry.replace(/^\n/, ""))
      .filter((entry) => entry.includes("\0"))
      .map((entry) => {
        const [sha, message] = entry.split("\0") as [string, string];
        return { sha, message: message.trimEnd() };
      });
    return { name, base, head, commits };
  }

  async text(file: string): Promise<string> {
    return readFile(join(this.dir, file), "utf8");
  }

  /** The 1-based line of the first line of `file` (in `main`) that starts with `prefix`. */
  async lineOf(file: string, prefix: string): Promise<number> {
    const index = (await this.text(file)).split("\n").findIndex((l) => l.startsWith(prefix));
    if (index < 0) throw new Error(`${file}: no line starts with ${prefix}`);
    return index + 1;
  }

  /** Every `@org/team` named as an owner anywhere in the tree. */
  async teams(): Promise<string[]> {
    const found = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith(".yaml"))
          for (const m of (await readFile(path, "utf8")).matchAll(/"@([\w-]+\/[\w.-]+)"/g)) found.add(m[1]!);
      }
    };
    await walk(join(this.dir, "sites"));
    return [...found].sort();
  }

  cleanup(): Promise<void> {
    return this.remove();
  }

  private async apply(edits: Edit[]): Promise<void> {
    for (const edit of edits) {
      const path = join(this.dir, edit.file);
      if ("remove" in edit) await rm(path);
      else if ("write" in edit) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, edit.write);
      } else {
        const text = await readFile(path, "utf8");
        if (!text.includes(edit.find)) throw new Error(`${edit.file}: text not found: ${edit.find}`);
        await writeFile(path, text.replace(edit.find, edit.replace));
      }
    }
  }
}

/**
 * The local GitHub with every team the tree names (empty unless `members` says otherwise): siteops
 * reads the members of every owner team, and GitHub answers 404 only for teams that do not exist.
 */
export async function startGateServer(repo: GateRepo, members: Record<string, string[]> = {}) {
  const server = await startGitHubServer({ owner: OWNER, repo: REPO, token: TOKEN });
  for (const team of new Set([...(await repo.teams()), ...Object.keys(members)])) {
    const [org, slug] = team.split("/") as [string, string];
    server.state.setTeam(org, slug, members[team] ?? []);
  }
  return server;
}

export interface PullRequestSeed {
  number: number;
  title: string;
  body?: string;
  author: string;
  labels?: string[];
  /** Default: one hour ago. */
  createdAt?: Date;
}

/** GitHub's timestamp form (no milliseconds). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Seeds a pull request from the real `pull_request.opened` example onto `branch`: base/head shas and
 * refs are the repository's, `created_at` as given, and its commits (GET .../pulls/{n}/commits) are
 * the branch's real commits with their messages.
 */
export function seedPullRequest(server: GitHubServer, branch: Branch, seed: PullRequestSeed): void {
  const { state } = server;
  state.seedPullRequest(loadWebhookExample("pull_request", "opened"), {
    number: seed.number,
    title: seed.title,
    body: seed.body ?? "Settings change, see the diff.",
    author: seed.author,
    labels: seed.labels ?? [],
    draft: false,
    headSha: branch.head,
    headRef: branch.name,
    baseSha: branch.base,
    baseRef: "main",
  });
  const pr = state.pullRequest(seed.number);
  pr.created_at = isoSeconds(seed.createdAt ?? new Date(Date.now() - 3_600_000));
  state.commits.set(seed.number, []);
  for (const commit of branch.commits)
    state.addCommit(seed.number, { sha: commit.sha, message: commit.message, author: seed.author });
  expect((pr.base as { sha: string }).sha).toBe(branch.base);
  expect((pr.head as { sha: string }).sha).toBe(branch.head);
}

/** Environment of a run: live GitHub through the local server, or offline (no token). */
export function gateEnv(server: GitHubServer, online = true): Record<string, string> {
  return {
    GITHUB_TOKEN: online ? TOKEN : "",
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: server.url,
    // Keep a CI runner's own workflow context out of the child process.
    GITHUB_ACTIONS: "",
    GITHUB_STEP_SUMMARY: "",
    GITHUB_RUN_ID: "",
    GITHUB_EVENT_PATH: "",
  };
}

/** Runs `siteops check ARGS --format json` in the repository and parses the verdict. */
export async function runCheck(
  repo: GateRepo,
  args: string[],
  env: Record<string, string>,
): Promise<CheckRun> {
  const result = await runCli(["check", ...args, "--format", "json"], repo.dir, env);
  let json: GateJson;
  try {
    json = JSON.parse(result.stdout) as GateJson;
  } catch {
    throw new Error(`siteops check exited ${result.code} without JSON:\n${result.stdout}\n${result.stderr}`);
  }
  // Exit code follows the verdict; a passing run says nothing on stderr.
  expect(result.code, result.stderr).toBe(json.verdict === "pass" ? 0 : 1);
  if (json.verdict === "pass") expect(result.stderr).toBe("");
  return {
    ...result,
    json,
    check: (name) => {
      const found = json.checks.find((c) => c.name === name);
      if (!found) throw new Error(`no ${name} check in ${JSON.stringify(json.checks)}`);
      return found;
    },
  };
}

/** Writes a webhook payload to an untracked file of the repository (check reads git objects only). */
export async function writeEvent(repo: GateRepo, name: string, payload: unknown): Promise<string> {
  const path = join(repo.dir, `.event-${name}.json`);
  await writeFile(path, JSON.stringify(payload));
  return path;
}

/** Ends a test's server: no request or response may have broken GitHub's OpenAPI description. */
export async function finishServer(server: GitHubServer | undefined): Promise<void> {
  if (!server) return;
  try {
    server.assertNoViolations();
  } finally {
    await server.close();
  }
}
