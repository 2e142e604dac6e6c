import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { constants } from "node:fs";
import { lstat, open, realpath, stat } from "node:fs/promises";
import type { Socket } from "node:net";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { OperationalError } from "../core/errors.js";
import { type CommitInfo, EMPTY_TREE, type Revision, type RevisionReader, WORKTREE } from "../core/ports.js";
import { CONFIG_FILE, SITES_DIR } from "../core/tree/layout.js";

const SCOPE = [SITES_DIR, CONFIG_FILE];
const LOG_FORMAT = "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%b%x1e";
const LOG = ["log", "-z", "--no-color", "--no-show-signature", "--encoding=UTF-8", LOG_FORMAT];
const DIFF = ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-color"];
const LS_WORKTREE = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
const FULL_SHA = /^[0-9a-f]{40}$/;
/**
 * From this many files on, `readFiles` names them by blob id from one listing of the commit's tree:
 * a `<commit>:<path>` name makes git walk the trees from the root again for every file.
 */
const LIST_TREE_FROM = 200;
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

const FSCK = "Check the repository with `git status` and `git fsck`.";

const problem = (where: string, what: string, fix: string) =>
  new OperationalError(`${where}: ${what}. ${fix}`);

/** Reads configuration from a git repository with the `git` command line tool. */
export class GitRevisionReader implements RevisionReader {
  readonly root: string;
  private ready: Promise<void> | undefined;
  private batch: CatFileBatch | undefined;
  private readonly commits = new Set<string>();
  private readonly changes = new Map<string, Promise<string[]>>();
  private readonly blobs = new Map<string, Promise<Map<string, string>>>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  async resolve(ref: string): Promise<string> {
    // A full commit id names the same commit for the life of the process: ask git once.
    if (FULL_SHA.test(ref) && this.commits.has(ref)) return ref;
    const sha = await this.tryResolve(ref);
    if (sha !== undefined) this.commits.add(sha);
    if (sha === undefined) {
      throw problem(`\`${ref}\``, `no such revision in ${this.root}`, "Check the name with `git branch -a`.");
    }
    return sha;
  }

  async changedPaths(base: Revision, head: Revision): Promise<string[]> {
    if (base === WORKTREE && head === WORKTREE) return [];
    // Which paths differ does not depend on the direction of the comparison.
    if (base === WORKTREE) return this.changedPaths(head, base);
    const from = await this.resolve(base);
    if (head !== WORKTREE) {
      const to = await this.resolve(head);
      // Two commits differ the same way every time they are compared.
      const key = `${from}..${to}`;
      let paths = this.changes.get(key);
      if (!paths) {
        paths = this.gitPaths([...DIFF, from, to, "--", ...SCOPE]).then(sortedUnique);
        this.changes.set(key, paths);
        paths.catch(() => this.changes.delete(key));
      }
      return [...(await paths)];
    }
    const [tracked, untracked] = await Promise.all([
      this.gitPaths([...DIFF, from, "--", ...SCOPE]),
      this.gitPaths(["ls-files", "--others", "--exclude-standard", "-z", "--", ...SCOPE]),
    ]);
    return sortedUnique([...tracked, ...untracked]);
  }

  async listFiles(revision: Revision, prefix: string): Promise<string[]> {
    this.assertInside(prefix);
    const folder = prefix.replace(/\/+$/, "");
    const spec = folder === "" || folder === "." ? [] : [folder];
    if (revision !== WORKTREE) {
      const sha = await this.resolve(revision);
      const paths = await this.gitPaths(["ls-tree", "-r", "-z", "--name-only", sha, "--", ...spec]);
      return sortedUnique(paths.filter((path) => isUnder(path, spec[0])));
    }
    const listed = await this.gitPaths([...LS_WORKTREE, "--", ...spec]);
    // `--cached` still lists tracked files deleted from disk.
    const exists = await Promise.all(
      listed.map((path) => lstat(join(this.root, path)).catch(() => undefined)),
    );
    return sortedUnique(listed.filter((path, i) => exists[i] && isUnder(path, spec[0])));
  }

  async readFiles(revision: Revision, paths: readonly string[]): Promise<Map<string, Uint8Array>> {
    const unique = [...new Set(paths)];
    for (const path of unique) this.assertInside(path);
    if (revision === WORKTREE) return this.readWorktree(unique);
    const sha = await this.resolve(revision);
    const ids = unique.length >= LIST_TREE_FROM ? await this.blobIds(sha) : undefined;
    const names = unique.map((path) => ids?.get(path) ?? `${sha}:${path}`);
    if (!this.batch || this.batch.stopped) this.batch = new CatFileBatch(this.root);
    return toMap(unique, await this.batch.read(names));
  }

  /** The blob id of every file in scope at a commit (a commit's tree never changes). */
  private blobIds(sha: string): Promise<Map<string, string>> {
    let ids = this.blobs.get(sha);
    if (!ids) {
      ids = this.git(["ls-tree", "-r", "-z", "--full-tree", sha, "--", ...SCOPE]).then(parseBlobIds);
      this.blobs.set(sha, ids);
      ids.catch(() => this.blobs.delete(sha));
    }
    return ids;
  }

  async grep(revision: Revision, needles: readonly string[], prefix: string): Promise<string[]> {
    this.assertInside(prefix);
    if (needles.length === 0) return [];
    const folder = prefix.replace(/\/+$/, "");
    const where = revision === WORKTREE ? ["--untracked"] : [await this.resolve(revision)];
    const patterns = needles.flatMap((needle) => ["-e", needle]);
    const args = ["grep", "-l", "-z", "-F", "-i", "--no-color", ...patterns, ...where, "--", folder];
    await this.ensureRepo();
    const result = await runGit(this.root, args);
    // Exit code 1 means no file matched.
    if (result.code === 1 && result.stderr === "") return [];
    if (result.code !== 0) throw this.gitFailure("grep", result.stderr);
    const strip = revision === WORKTREE ? 0 : where[0]!.length + 1;
    const paths = result.stdout
      .toString("utf8")
      .split("\0")
      .filter((p) => p !== "");
    return sortedUnique(paths.map((path) => path.slice(strip)));
  }

  async log(options: {
    paths: readonly string[];
    since?: string;
    from?: string;
    to?: string;
  }): Promise<CommitInfo[]> {
    if (options.paths.length === 0) return [];
    for (const path of options.paths) this.assertInside(path);
    // A repository without commits has no history rather than a broken HEAD.
    const to = await this.tryResolve(options.to ?? "HEAD");
    if (to === undefined) {
      if (options.to !== undefined)
        throw problem(`\`${options.to}\``, "is not a revision here", "Check the name.");
      return [];
    }
    const from = options.from === undefined ? [] : [`^${await this.resolve(options.from)}`];
    const since = options.since === undefined ? [] : [`--since=${options.since}`];
    const out = await this.git([...LOG, ...since, to, ...from, "--", ...options.paths]);
    return parseLog(out.toString("utf8"));
  }

  async close(): Promise<void> {
    const batch = this.batch;
    this.batch = undefined;
    await batch?.close();
  }

  private async tryResolve(ref: string): Promise<string | undefined> {
    if (ref === "" || ref.startsWith("-")) {
      const what = ref === "" ? "is empty" : "starts with `-`, so git would take it for an option";
      throw problem(`\`${ref}\``, what, "Pass a branch, tag or commit id.");
    }
    await this.ensureRepo();
    // The empty tree is the base of a first commit; it is a tree, not a commit, but every read accepts it.
    if (ref === EMPTY_TREE) return EMPTY_TREE;
    const result = await runGit(this.root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (result.code === 0) return result.stdout.toString("utf8").trim();
    if (result.stderr !== "") throw this.gitFailure("rev-parse", result.stderr);
    return undefined;
  }

  private async readWorktree(paths: readonly string[]): Promise<Map<string, Uint8Array>> {
    await this.ensureRepo();
    const realRoot = await realpath(this.root);
    const contents = await Promise.all(
      paths.map(async (path) => {
        const full = join(this.root, path);
        // lstat does not look at parent folders: a linked folder could lead outside the root.
        const folder = await realpath(dirname(full)).catch(() => "");
        const inside = folder === realRoot || folder.startsWith(realRoot + sep);
        return inside ? readRegularFile(full, path) : undefined;
      }),
    );
    return toMap(paths, contents);
  }

  private assertInside(path: string): void {
    if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.split(/[\\/]/).includes("..")) {
      throw problem(`\`${path}\``, "is outside the repository", `Use a path relative to ${this.root}.`);
    }
  }

  private ensureRepo(): Promise<void> {
    this.ready ??= this.checkRepo();
    return this.ready;
  }

  private async checkRepo(): Promise<void> {
    const root = this.root;
    const fix = "Pass --root with the top folder of a clone of the configuration repository.";
    if (!(await stat(root).catch(() => undefined))?.isDirectory())
      throw problem(root, "no such directory", fix);
    const result = await runGit(root, ["rev-parse", "--show-prefix"]);
    if (result.code !== 0) throw problem(root, `is not a git repository (${firstLine(result.stderr)})`, fix);
    const prefix = result.stdout.toString("utf8").trim();
    if (prefix !== "")
      throw problem(root, `is the subfolder ${prefix} of a git repository, not its top`, fix);
  }

  private async git(args: string[]): Promise<Buffer> {
    await this.ensureRepo();
    const result = await runGit(this.root, args);
    if (result.code !== 0) throw this.gitFailure(args[0] ?? "", result.stderr);
    return result.stdout;
  }

  private async gitPaths(args: string[]): Promise<string[]> {
    const out = (await this.git(args)).toString("utf8");
    return out.split("\0").filter((path) => path !== "");
  }

  private gitFailure(command: string, stderr: string): OperationalError {
    const what = `\`git ${command}\` failed: ${firstLine(stderr)}`;
    return problem(this.root, what, FSCK);
  }
}

/** Repository discovery must follow `root`, not variables a git hook may have set for another repository. */
function gitEnv(): NodeJS.ProcessEnv {
  // No pathspec magic from user input; no index refresh writes (and lock contention) from reads.
  const { GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_PREFIX, ...env } = process.env;
  return { ...env, GIT_LITERAL_PATHSPECS: "1", GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" };
}

function runGit(
  root: string,
  args: readonly string[],
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const options = { cwd: root, env: gitEnv(), encoding: "buffer", maxBuffer: MAX_OUTPUT_BYTES } as const;
  return new Promise((done, fail) => {
    execFile("git", args, options, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code ?? 0;
      if (typeof code !== "number") fail(startFailure(error as Error, `git ${args[0] ?? ""}`));
      else done({ code, stdout, stderr: stderr.toString("utf8").trim() });
    });
  });
}

function startFailure(error: Error, command: string): OperationalError {
  if ((error as { code?: unknown }).code === "ENOENT") {
    return problem("git", "not found", "Install git and make sure it is on the PATH.");
  }
  return problem(command, `could not run (${error.message})`, "Check the git installation.");
}

async function readRegularFile(full: string, path: string): Promise<Uint8Array | undefined> {
  try {
    if (!(await lstat(full)).isFile()) return undefined;
    // O_NOFOLLOW: the file may have been swapped for a link since lstat.
    const handle = await open(full, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    try {
      if (!(await handle.stat()).isFile()) return undefined;
      const bytes = await handle.readFile();
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = String((error as { code?: unknown }).code);
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return undefined;
    throw problem(path, `cannot be read (${code})`, "Check its permissions.");
  }
}

function toMap(paths: readonly string[], contents: readonly (Uint8Array | undefined)[]) {
  const files = new Map<string, Uint8Array>();
  paths.forEach((path, i) => {
    const content = contents[i];
    if (content) files.set(path, content);
  });
  return files;
}

function isUnder(path: string, folder: string | undefined): boolean {
  return folder === undefined || path === folder || path.startsWith(`${folder}/`);
}

function sortedUnique(paths: readonly string[]): string[] {
  // git lists most paths in order already; checking is cheaper than sorting thousands.
  let ordered = true;
  for (let i = 1; i < paths.length && ordered; i++) ordered = paths[i - 1]! < paths[i]!;
  return ordered ? [...paths] : [...new Set(paths)].sort();
}

/** The blobs of `ls-tree -z` output (`<mode> <type> <id>\t<path>\0` entries) by path. */
function parseBlobIds(out: Buffer): Map<string, string> {
  const ids = new Map<string, string>();
  const text = out.toString("utf8");
  // One pass with indexOf: a large tree lists many thousands of entries.
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf("\0", at);
    if (end < 0) end = text.length;
    const tab = text.indexOf("\t", at);
    const type = text.indexOf(" ", at) + 1;
    if (type > 0 && tab > type && tab < end && text.startsWith("blob ", type)) {
      ids.set(text.slice(tab + 1, end), text.slice(type + 5, tab));
    }
    at = end + 1;
  }
  return ids;
}

function firstLine(text: string): string {
  const line = (text.split("\n")[0] ?? "").replace(/^(fatal|error): /, "");
  return line.replace(/[.\s]+$/, "") || "no message";
}

function parseLog(text: string): CommitInfo[] {
  const records = text.split("\x1e").map((record) => record.replace(/^[\0\n]+/, ""));
  return records
    .filter((record) => record !== "")
    .map((record) => {
      const [sha = "", parents = "", authorName = "", authorEmail = "", date = "", subject = "", body = ""] =
        record.split("\x1f");
      const parentList = parents === "" ? [] : parents.split(" ");
      return { sha, parents: parentList, authorName, authorEmail, date, subject, body: body.trimEnd() };
    });
}

type Waiter = { resolve: (content?: Uint8Array) => void; reject: (error: Error) => void };

/**
 * One `git cat-file --batch` process. Requests are answered in order, so each response settles the
 * oldest pending read. The process is unref'd while idle so a forgotten close() cannot keep node alive.
 */
class CatFileBatch {
  stopped = false;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Waiter[] = [];
  private readonly bytes = new ByteQueue();
  private body: { size: number; blob: boolean } | undefined;
  private stderr = "";
  private failure: OperationalError | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly root: string) {
    this.child = spawn("git", ["cat-file", "--batch"], { cwd: root, env: gitEnv(), windowsHide: true });
    this.child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-2000);
    });
    // A broken pipe is reported through the exit of the process.
    this.child.stdin.on("error", () => {});
    this.exited = new Promise((done) => {
      this.child.on("error", (error) => {
        this.fail(startFailure(error, "git cat-file"));
        done();
      });
      this.child.on("close", (code, signal) => {
        const why = signal ?? `exit code ${String(code)}`;
        this.fail(problem(root, `\`git cat-file\` stopped (${why}): ${firstLine(this.stderr)}`, FSCK));
        done();
      });
    });
    for (const pipe of [this.child.stdin, this.child.stderr]) (pipe as unknown as Socket).unref();
    this.hold(false);
  }

  read(names: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    if (this.failure) return Promise.reject(this.failure);
    const bad = names.find((name) => /[\n\r]/.test(name));
    if (bad !== undefined) {
      return Promise.reject(problem(`\`${bad}\``, "has a line break in its name", "Rename the file."));
    }
    if (this.pending.length === 0 && names.length > 0) this.hold(true);
    const reads = names.map(
      (_name) =>
        new Promise<Uint8Array | undefined>((resolve, reject) => this.pending.push({ resolve, reject })),
    );
    this.child.stdin.write(names.map((name) => `${name}\n`).join(""));
    return Promise.all(reads);
  }

  async close(): Promise<void> {
    // Awaiting the exit must keep node alive, or a top-level await of close() ends the process early.
    this.hold(true);
    this.child.stdin.end();
    await this.exited;
  }

  private receive(chunk: Buffer): void {
    this.bytes.push(chunk);
    while (!this.failure) {
      if (!this.body) {
        const end = this.bytes.indexOf(0x0a);
        if (end < 0) return;
        const header = Buffer.from(this.bytes.take(end + 1)).toString("utf8", 0, end);
        const found = /^[0-9a-f]+ ([a-z]+) (\d+)$/.exec(header);
        if (found) this.body = { size: Number(found[2]), blob: found[1] === "blob" };
        else if (/ (missing|ambiguous|submodule)$/.test(header)) this.settle(undefined);
        else this.protocolError(header);
        continue;
      }
      // git ends each object with a newline of its own.
      if (this.bytes.length < this.body.size + 1) return;
      const content = this.bytes.take(this.body.size);
      this.bytes.take(1);
      const blob = this.body.blob;
      this.body = undefined;
      this.settle(blob ? content : undefined);
    }
  }

  private settle(content: Uint8Array | undefined): void {
    const next = this.pending.shift();
    if (!next) {
      this.protocolError("an answer to no request");
      return;
    }
    next.resolve(content);
    if (this.pending.length === 0) this.hold(false);
  }

  private protocolError(what: string): void {
    this.fail(problem(this.root, `\`git cat-file\` printed ${JSON.stringify(what)}`, FSCK));
    this.child.kill();
  }

  private fail(error: OperationalError): void {
    this.stopped = true;
    this.failure ??= error;
    for (const read of this.pending.splice(0)) read.reject(this.failure);
    this.hold(false);
  }

  /** Keeps node alive only while answers are awaited (pending writes keep it alive on their own). */
  private hold(on: boolean): void {
    const handles = [this.child, this.child.stdout as unknown as Socket];
    for (const handle of handles) on ? handle.ref() : handle.unref();
  }
}

/** Received bytes, consumed from the front without concatenating every chunk. */
class ByteQueue {
  length = 0;
  private chunks: Buffer[] = [];

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  indexOf(byte: number): number {
    let offset = 0;
    for (const chunk of this.chunks) {
      const at = chunk.indexOf(byte);
      if (at >= 0) return offset + at;
      offset += chunk.length;
    }
    return -1;
  }

  take(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.length -= count;
    return out;
  }
}
