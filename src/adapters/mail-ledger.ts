import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperationalError } from "../core/errors.js";
import type { DigestEntry } from "../core/mail/model.js";
import type { DigestQueue, LedgerMeta, SentLedger } from "../core/mail/ports.js";

const ZERO = "0000000000000000000000000000000000000000";
const IDENTITY = {
  GIT_AUTHOR_NAME: "siteops",
  GIT_AUTHOR_EMAIL: "siteops@localhost",
  GIT_COMMITTER_NAME: "siteops",
  GIT_COMMITTER_EMAIL: "siteops@localhost",
};

/**
 * The sent-ledger and the digest queue as files on a branch of the configuration repository
 * (default `siteops-ledger`), written with git plumbing only: no checkout, no work-tree or index
 * change, so it works in any clone, including the one a workflow is running from.
 *
 *   sent/<h[0:2]>/<h>.json       one file per sent mail, h = sha256(Message-ID)
 *   digest/<SITE>/<h>.json       one file per queued bot change
 *
 * One file per record means two machines never edit the same file: their ledger commits merge
 * without conflict. Each record is one commit, compare-and-swapped onto the branch, and the
 * history is the archive of what was sent, when, to whom.
 */
export class GitMailLedger implements SentLedger, DigestQueue {
  readonly ref: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly root: string,
    branch = "siteops-ledger",
  ) {
    this.ref = `refs/heads/${branch}`;
  }

  async has(messageId: string): Promise<boolean> {
    const tip = await this.tip();
    if (!tip) return false;
    return (await this.git(["cat-file", "-e", `${tip}:${sentPath(messageId)}`], { allowFail: true })).ok;
  }

  async record(messageId: string, meta: LedgerMeta): Promise<void> {
    const body = `${JSON.stringify({ messageId, ...meta }, null, 2)}\n`;
    await this.commit(`sent ${meta.stage} ${meta.site}: ${messageId}`, [
      { path: sentPath(messageId), content: body },
    ]);
  }

  async append(entry: DigestEntry): Promise<void> {
    const path = digestPath(entry.site, entry.id);
    const tip = await this.tip();
    if (tip && (await this.git(["cat-file", "-e", `${tip}:${path}`], { allowFail: true })).ok) return;
    await this.commit(`queue ${entry.site}: ${entry.id}`, [
      { path, content: `${JSON.stringify(entry, null, 2)}\n` },
    ]);
  }

  async list(): Promise<DigestEntry[]> {
    const tip = await this.tip();
    if (!tip) return [];
    const paths = (await this.git(["ls-tree", "-r", "-z", "--name-only", tip, "--", "digest/"])).stdout
      .split("\0")
      .filter((p) => p.endsWith(".json"));
    const entries: DigestEntry[] = [];
    for (const path of paths) {
      const text = (await this.git(["cat-file", "blob", `${tip}:${path}`])).stdout;
      try {
        entries.push(JSON.parse(text) as DigestEntry);
      } catch {
        throw new OperationalError(
          `${this.ref}:${path}: is not JSON. Fix or delete the file on the ledger branch.`,
        );
      }
    }
    return entries;
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const wanted = new Set(ids);
    const entries = (await this.list()).filter((e) => wanted.has(e.id));
    if (entries.length === 0) return;
    await this.commit(
      `digest sent: ${entries.length} queued ${entries.length === 1 ? "change" : "changes"}`,
      entries.map((e) => ({ path: digestPath(e.site, e.id), content: undefined })),
    );
  }

  private async tip(): Promise<string | undefined> {
    const result = await this.git(["rev-parse", "--verify", "--quiet", `${this.ref}^{commit}`], {
      allowFail: true,
    });
    // Exit 1: the branch does not exist yet. Anything else (not a repository) is an error, found
    // before a mail goes out rather than when its record cannot be written.
    if (result.ok) return result.stdout.trim();
    if (result.code === 1) return undefined;
    throw this.failure("rev-parse", result.stderr);
  }

  /** One commit on the ledger branch, retried when another writer moved the branch meanwhile. */
  private commit(message: string, changes: { path: string; content: string | undefined }[]): Promise<void> {
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        const old = await this.tip();
        const index = await mkdtemp(join(tmpdir(), "siteops-ledger-"));
        try {
          const env = { GIT_INDEX_FILE: join(index, "index") };
          await this.git(old ? ["read-tree", old] : ["read-tree", "--empty"], { env });
          for (const change of changes) {
            if (change.content === undefined) {
              await this.git(["update-index", "--force-remove", "--", change.path], { env });
            } else {
              const blob = (
                await this.git(["hash-object", "-w", "--stdin"], { input: change.content })
              ).stdout.trim();
              await this.git(["update-index", "--add", "--cacheinfo", `100644,${blob},${change.path}`], {
                env,
              });
            }
          }
          const tree = (await this.git(["write-tree"], { env })).stdout.trim();
          const parents = old ? ["-p", old] : [];
          const commit = (
            await this.git(["commit-tree", tree, ...parents, "-m", message], { env: IDENTITY })
          ).stdout.trim();
          const swapped = await this.git(
            ["update-ref", "-m", "siteops notify", this.ref, commit, old ?? ZERO],
            { allowFail: true },
          );
          if (swapped.ok) return;
          if (attempt >= 10) {
            throw new OperationalError(
              `${this.root}: ${this.ref} kept moving while siteops recorded a mail (${swapped.stderr.trim()}). Run siteops notify again; sent mails are not sent twice.`,
            );
          }
        } finally {
          await rm(index, { recursive: true, force: true });
        }
      }
    };
    // One writer at a time in this process; across processes update-ref's compare-and-swap decides.
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private failure(command: string, detail: string): OperationalError {
    return new OperationalError(
      `${this.root}: git ${command} failed for the mail ledger (${detail.trim()}). Check that it is a git repository with \`git status\`.`,
    );
  }

  private git(
    args: string[],
    options: { env?: Record<string, string>; input?: string; allowFail?: boolean } = {},
  ): Promise<{ ok: boolean; code: number; stdout: string; stderr: string }> {
    // A hook's GIT_DIR or GIT_INDEX_FILE must never redirect the ledger into another repository or index.
    const { GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_PREFIX, ...inherited } = process.env;
    const env = { ...inherited, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0", ...options.env };
    const spawnOptions = { cwd: this.root, env, maxBuffer: 256 * 1024 * 1024 };
    return new Promise((resolve, reject) => {
      const child = execFile("git", args, spawnOptions, (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, code: 0, stdout, stderr });
        const code = (error as { code?: unknown }).code;
        if (options.allowFail && typeof code === "number")
          return resolve({ ok: false, code, stdout, stderr });
        reject(this.failure(args[0] ?? "git", stderr || error.message));
      });
      // A git that exits without reading its input breaks the pipe; its exit status says why.
      child.stdin?.on("error", () => {});
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function sentPath(messageId: string): string {
  const h = sha(messageId);
  return `sent/${h.slice(0, 2)}/${h}.json`;
}

function digestPath(site: string, id: string): string {
  return `digest/${site.replace(/[^A-Za-z0-9_-]/g, "_")}/${sha(id)}.json`;
}
