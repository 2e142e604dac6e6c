/**
 * The corepower bot's git side: fetch the base branch and the bot's branches, make commits with
 * plumbing (a temporary index: the working tree, index and HEAD are never touched), and push with
 * `--force-with-lease`, so a branch that moved since the fetch is never overwritten. Also the plain
 * working-tree writer of `--write`.
 */
import { execFile } from "node:child_process";
import { lstat, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import type { BranchCommit, BranchPublisher, WorktreeWriter } from "../core/corepower/ports.js";
import { OperationalError } from "../core/errors.js";
import { firstLine } from "./git-process.js";

export interface GitIdentity {
  name: string;
  email: string;
}

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export class GitBranchPublisher implements BranchPublisher {
  readonly root: string;

  constructor(
    root: string,
    private readonly identity: GitIdentity,
    private readonly remote = "origin",
  ) {
    this.root = resolve(root);
  }

  async fetch(baseBranch: string, prefix: string): Promise<void> {
    const tracking = `refs/remotes/${this.remote}/`;
    const result = await this.git(
      [
        "fetch",
        "--no-tags",
        "--prune",
        "--quiet",
        this.remote,
        `+refs/heads/${baseBranch}:${tracking}${baseBranch}`,
        `+refs/heads/${prefix}*:${tracking}${prefix}*`,
      ],
      { allowFail: true },
    );
    if (!result.ok) {
      throw new OperationalError(
        `${this.root}: git fetch from ${this.remote} failed (${firstLine(result.stderr)}). Check that the remote exists (git remote -v), that ${baseBranch} exists there, and the credentials.`,
      );
    }
  }

  async remoteHead(branch: string): Promise<string | undefined> {
    const ref = `refs/remotes/${this.remote}/${branch}^{commit}`;
    const result = await this.git(["rev-parse", "--verify", "--quiet", ref], { allowFail: true });
    return result.ok ? result.stdout.trim() : undefined;
  }

  async commitsSince(base: string, head: string): Promise<BranchCommit[]> {
    const out = (
      await this.git(["log", "--no-color", "--format=%H%x1f%an%x1f%ae%x1f%s%x1e", `${base}..${head}`])
    ).stdout;
    return out
      .split("\x1e")
      .map((record) => record.replace(/^\n/, ""))
      .filter((record) => record !== "")
      .map((record) => {
        const [sha = "", authorName = "", authorEmail = "", subject = ""] = record.split("\x1f");
        return { sha, authorName, authorEmail, subject };
      });
  }

  async commit(parent: string, files: ReadonlyMap<string, string>, message: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "siteops-corepower-"));
    try {
      const env = { GIT_INDEX_FILE: join(dir, "index") };
      await this.git(["read-tree", parent], { env });
      for (const [path, text] of files) {
        const listed = (await this.git(["ls-tree", parent, "--", path])).stdout;
        const mode = /^(\d{6}) blob /.exec(listed)?.[1] ?? "100644";
        const blob = (
          await this.git(["hash-object", "-w", "--no-filters", "--stdin"], { input: text })
        ).stdout.trim();
        await this.git(["update-index", "--add", "--cacheinfo", `${mode},${blob},${path}`], { env });
      }
      const tree = (await this.git(["write-tree"], { env })).stdout.trim();
      const who = {
        GIT_AUTHOR_NAME: this.identity.name,
        GIT_AUTHOR_EMAIL: this.identity.email,
        GIT_COMMITTER_NAME: this.identity.name,
        GIT_COMMITTER_EMAIL: this.identity.email,
      };
      return (
        await this.git(["commit-tree", tree, "-p", parent, "-F", "-"], { env: who, input: message })
      ).stdout.trim();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async push(commit: string, branch: string, expected: string | undefined): Promise<void> {
    const ref = `refs/heads/${branch}`;
    const result = await this.git(
      [
        "push",
        "--porcelain",
        "--quiet",
        `--force-with-lease=${ref}:${expected ?? ""}`,
        this.remote,
        `${commit}:${ref}`,
      ],
      { allowFail: true },
    );
    if (result.ok) {
      // Keep the remote-tracking branch in step, as a fetch would.
      await this.git(["update-ref", `refs/remotes/${this.remote}/${branch}`, commit]);
      return;
    }
    const why = `${result.stdout}\n${result.stderr}`;
    if (/stale info|rejected|fetch first|non-fast-forward/i.test(why)) {
      throw new OperationalError(
        `${this.remote}/${branch}: the branch moved while siteops corepower was running, so it was not overwritten. Run siteops corepower again.`,
      );
    }
    throw new OperationalError(
      `${this.root}: git push of ${branch} to ${this.remote} failed (${firstLine(result.stderr || result.stdout)}). Check the credentials: the token needs contents: write.`,
    );
  }

  private git(
    args: string[],
    options: { env?: Record<string, string>; input?: string; allowFail?: boolean } = {},
  ): Promise<GitResult> {
    // A hook's GIT_DIR or GIT_INDEX_FILE must never redirect the bot into another repository or index.
    const { GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_PREFIX, ...inherited } = process.env;
    const env = { ...inherited, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0", ...options.env };
    return new Promise((done, fail) => {
      const child = execFile(
        "git",
        args,
        { cwd: this.root, env, maxBuffer: 256 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (!error) return done({ ok: true, stdout, stderr });
          if (options.allowFail && typeof (error as { code?: unknown }).code === "number") {
            return done({ ok: false, stdout, stderr });
          }
          fail(
            new OperationalError(
              `${this.root}: git ${args[0]} failed (${firstLine(stderr || error.message)}). Check the repository with \`git status\`.`,
            ),
          );
        },
      );
      // git may exit before reading its input (most commands take none); the exit status, not the
      // broken pipe, tells what happened.
      child.stdin?.on("error", () => {});
      child.stdin?.end(options.input ?? "");
    });
  }
}

/** Writes edited files under a root, never through a link and never outside the root. */
export class FsWorktreeWriter implements WorktreeWriter {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async writeFiles(files: ReadonlyMap<string, string>): Promise<void> {
    for (const [path, text] of files) {
      const target = resolve(this.root, path);
      if (!target.startsWith(this.root + sep)) {
        throw new OperationalError(`${path}: is outside the repository. This is a bug; report it.`);
      }
      const info = await lstat(target).catch(() => undefined);
      if (!info?.isFile()) {
        throw new OperationalError(
          `${path}: is not a regular file any more. Check the working tree, then run again.`,
        );
      }
      await writeFile(target, text);
    }
  }
}
