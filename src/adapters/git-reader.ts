import { constants } from "node:fs";
import { lstat, open, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import type { OperationalError } from "../core/errors.js";
import { type CommitInfo, EMPTY_TREE, type Revision, type RevisionReader, WORKTREE } from "../core/ports.js";
import { CONFIG_FILE, SITES_DIR } from "../core/tree/layout.js";
import { CatFileBatch } from "./git-cat-file.js";
import { parseBlobIds, parseLog, parseRawDiff, sortedUnique } from "./git-output.js";
import { FSCK, firstLine, problem, runGit } from "./git-process.js";

const SCOPE = [SITES_DIR, CONFIG_FILE];
const LOG_FORMAT = "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%b%x1e";
const LOG = ["log", "-z", "--no-color", "--no-show-signature", "--encoding=UTF-8", LOG_FORMAT];
const DIFF = ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-color"];
/** The same comparison with the blob ids of both sides (`:<mode> <mode> <id> <id> <status>\0<path>\0`). */
const RAW_DIFF = ["diff", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-ext-diff", "--no-color"];
const LS_WORKTREE = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
const FULL_SHA = /^[0-9a-f]{40}$/;
/**
 * From this many files on, `readFiles` names them by blob id from one listing of the commit's tree:
 * a `<commit>:<path>` name makes git walk the trees from the root again for every file.
 */
const LIST_TREE_FROM = 200;

/** Reads configuration from a git repository with the `git` command line tool. */
export class GitRevisionReader implements RevisionReader {
  readonly root: string;
  private ready: Promise<void> | undefined;
  private batch: CatFileBatch | undefined;
  private readonly commits = new Set<string>();
  private readonly changes = new Map<string, Promise<string[]>>();
  private readonly blobs = new Map<string, Promise<Map<string, string>>>();
  /** Blob ids learnt from comparing commits, by commit: the changed files are read by id. */
  private readonly knownBlobs = new Map<string, Map<string, string>>();

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
        paths = this.git([...RAW_DIFF, from, to, "--", ...SCOPE]).then((out) => {
          const diff = parseRawDiff(out);
          this.learnBlobs(from, diff.before);
          this.learnBlobs(to, diff.after);
          return sortedUnique(diff.paths);
        });
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
    const known = this.knownBlobs.get(sha);
    const unknown = known ? unique.filter((path) => !known.has(path)).length : unique.length;
    const ids = unknown >= LIST_TREE_FROM ? await this.blobIds(sha) : undefined;
    const names = unique.map((path) => known?.get(path) ?? ids?.get(path) ?? `${sha}:${path}`);
    return toMap(unique, await this.catFile().read(names));
  }

  private learnBlobs(sha: string, ids: Map<string, string>): void {
    const known = this.knownBlobs.get(sha);
    if (!known) this.knownBlobs.set(sha, ids);
    else for (const [path, id] of ids) known.set(path, id);
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
    if (ref === "" || ref.startsWith("-") || /[\n\r]/.test(ref)) {
      const what =
        ref === ""
          ? "is empty"
          : ref.startsWith("-")
            ? "starts with `-`, so git would take it for an option"
            : "has a line break in it";
      throw problem(`\`${ref}\``, what, "Pass a branch, tag or commit id.");
    }
    await this.ensureRepo();
    // The empty tree is the base of a first commit; it is a tree, not a commit, but every read accepts it.
    if (ref === EMPTY_TREE) return EMPTY_TREE;
    // Asked of the running `cat-file --batch` (the same revision syntax as `rev-parse --verify`):
    // a check resolves several names, and each process started costs more than the answer.
    const found = await this.catFile().describe(`${ref}^{commit}`);
    return found?.type === "commit" ? found.id : undefined;
  }

  private catFile(): CatFileBatch {
    if (!this.batch || this.batch.stopped) this.batch = new CatFileBatch(this.root);
    return this.batch;
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
