/**
 * Set-up of the corepower end-to-end tests: a real git repository holding the bundled tree (the
 * bot's clone) with a local bare repository as its `origin`, the OpenAPI-checked GitHub server tied
 * to the bare repository's branches, a feed folder, and `corepowerCommand` driven with a fake CliIo.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { corepowerCommand } from "../../src/cli/commands/corepower.js";
import { type GitHubServer, resolveBranchesWith, startGitHubServer } from "../github/index.js";
import { bundledRepoCopy, git } from "../helpers/repo.js";
import { type Doc, fakeIo } from "./helpers.js";

export const OWNER = "atlas-adc";
export const REPO = "siteops-config";
export const TOKEN = "ghs_corepower_e2e";
export const BOT = "siteops-corepower[bot]";
export const TICKET = "ADCINFR-4242";
const COMMITTER = ["-c", "user.name=siteops test", "-c", "user.email=test@siteops.invalid"];

export interface Outcome {
  cloud: string;
  branch: string;
  action: string;
  number?: number;
  detail: string;
}

export interface RunJson {
  proposals: {
    cloud: string;
    site: string;
    queue?: string;
    field: string;
    before: unknown;
    after: unknown;
    samples: number;
  }[];
  skipped: { reason: string; count: number }[];
  pullRequests?: Outcome[];
}

export class CorepowerWorld {
  private batches = 0;

  private constructor(
    readonly dir: string,
    readonly bare: string,
    readonly feed: string,
    readonly server: GitHubServer,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async create(): Promise<CorepowerWorld> {
    const repo = await bundledRepoCopy();
    // This world's standing ticket replaces the bundled one (or is added when there is none).
    const configPath = join(repo.dir, "siteops.config.yaml");
    const config = await readFile(configPath, "utf8");
    await writeFile(
      configPath,
      /^corepower:\n(\s+#.*\n)*\s+ticket: .*$/m.test(config)
        ? config.replace(/^(corepower:\n(?:\s+#.*\n)*\s+ticket: ).*$/m, `$1${TICKET}`)
        : `${config}\ncorepower:\n  ticket: ${TICKET}\n`,
    );
    await git(repo.dir, ...COMMITTER, "commit", "-qam", "corepower: standing ticket");
    const scratch = await mkdtemp(join(tmpdir(), "siteops-corepower-e2e-"));
    const bare = join(scratch, "origin.git");
    const feed = join(scratch, "feed");
    await git(scratch, "clone", "-q", "--bare", repo.dir, bare);
    await git(repo.dir, "remote", "add", "origin", bare);
    await git(repo.dir, "fetch", "-q", "origin");
    await mkdir(feed, { recursive: true });
    const server = await startGitHubServer({ owner: OWNER, repo: REPO, token: TOKEN, viewer: BOT });
    resolveBranchesWith(server.state, (branch) => {
      try {
        return execFileSync("git", ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`], {
          cwd: bare,
          encoding: "utf8",
        }).trim();
      } catch {
        return undefined;
      }
    });
    return new CorepowerWorld(repo.dir, bare, feed, server, async () => {
      await server.close();
      await repo.cleanup();
      await rm(scratch, { recursive: true, force: true });
    });
  }

  /** Adds a JSON-lines file of results to the feed folder. */
  async addResults(docs: readonly Doc[]): Promise<void> {
    this.batches++;
    await writeFile(
      join(this.feed, `batch-${this.batches}.jsonl`),
      `${docs.map((d) => JSON.stringify(d)).join("\n")}\n`,
    );
  }

  async addFile(name: string, text: string): Promise<void> {
    await writeFile(join(this.feed, name), text);
  }

  /** `siteops corepower --feed <folder> --open-prs --format json` as the workflow runs it. */
  async run(extra: string[] = ["--open-prs"]): Promise<{ code: number; json: RunJson; stderr: string }> {
    const io = fakeIo(this.dir, {
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_API_URL: this.server.url,
    });
    const code = await corepowerCommand(["--feed", this.feed, "--format", "json", ...extra], io);
    const stdout = io.out.join("");
    if (code !== 0) throw new Error(`corepower exited ${code}: ${io.err.join("")}${stdout}`);
    return { code, json: JSON.parse(stdout) as RunJson, stderr: io.err.join("") };
  }

  /** Branch heads of the remote (`refs/heads/...` -> sha). */
  async remoteBranches(): Promise<Record<string, string>> {
    const out = await git(
      this.bare,
      "for-each-ref",
      "--format=%(refname:short) %(objectname)",
      "refs/heads/",
    );
    return Object.fromEntries(
      out
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ") as [string, string]),
    );
  }

  /** A person's commit pushed to a branch of the remote (through a clone of their own). */
  async personPushes(branch: string, file: string, find: string, replace: string): Promise<string> {
    const clone = await mkdtemp(join(tmpdir(), "siteops-corepower-person-"));
    try {
      await git(clone, "clone", "-q", "--branch", branch, this.bare, "work");
      const work = join(clone, "work");
      const path = join(work, file);
      const text = await readFile(path, "utf8");
      if (!text.includes(find)) throw new Error(`${file} does not contain ${find}`);
      await writeFile(path, text.replace(find, replace));
      await git(
        work,
        "-c",
        "user.name=Jane Admin",
        "-c",
        "user.email=jane.admin@kit.example",
        "commit",
        "-qam",
        "FZK: note the new nodes",
      );
      await git(work, "push", "-q", "origin", branch);
      return (await git(work, "rev-parse", "HEAD")).trim();
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.cleanup();
  }
}

export function pullRoutes(server: GitHubServer) {
  return {
    created: server.requestsTo("POST /repos/{owner}/{repo}/pulls").filter((r) => r.status === 201).length,
    patched: server.requestsTo("PATCH /repos/{owner}/{repo}/pulls/{pull_number}").length,
  };
}
