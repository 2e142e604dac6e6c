import type { Problem, SourceFile } from "./model.js";
import type { PrecompiledValidators, SchemaSet } from "./validate/schema-validator.js";
import type { LocalCheck, LocalSettings } from "./validate/validate-tree.js";

/** What a reader found under `sites/`: the files, and what kept others from being read. */
export interface TreeFiles {
  files: SourceFile[];
  problems: Problem[];
}

/** The files under `sites/` by path, not read yet, and what kept others from being listed. */
export interface TreeListing {
  /** Sorted. */
  paths: string[];
  problems: Problem[];
}

/** A configuration repository as files: the working tree on disk, or (later) a git revision. */
export interface ConfigSource {
  /** Every regular file under `sites/`, sorted by path. Never follows links or leaves the root. */
  readSites(): Promise<TreeFiles>;
  /**
   * The paths `readSites` would read, without reading them (sources a `FileCheckPool` can read
   * from); `onCount` follows the number of files found so far.
   */
  listSites?(onCount?: (count: number) => void): Promise<TreeListing>;
  /** `siteops.config.yaml`, or undefined when the repository has none. */
  readConfig(): Promise<SourceFile | undefined>;
  /** One file's text, by path relative to the root. */
  readText(path: string): Promise<string>;
}

/** The JSON Schemas shipped with siteops. */
export interface SchemaSource {
  readSchemas(): Promise<SchemaSet>;
  /** Validators compiled from exactly these schemas at build time, when available. */
  readPrecompiled?(): Promise<PrecompiledValidators | undefined>;
}

/** What checking a file on its own needs: the schemas and the settings of the repository. */
export interface FileCheckSetup {
  schemas: SchemaSet;
  settings: LocalSettings;
}

/**
 * Checks the files of a tree each on its own (`checkAlone`: parse, schema, one-object rules) in
 * other threads, which read the files themselves from the same tree as the `ConfigSource`.
 */
export interface FileCheckPool {
  /** Whether checking this many files here pays off (and can run at all). */
  accepts(fileCount: number): boolean;
  /**
   * Starts the threads ahead of `check`, while the files are still being listed, so they are
   * ready when it comes; `close` stops them.
   */
  start(setup: FileCheckSetup): void;
  close(): void;
  /**
   * One result per path, in order: the check, or the problem that kept the file from being read.
   * `onProgress` is called as files are done. Stops the threads when done.
   */
  check(
    paths: readonly string[],
    setup: FileCheckSetup,
    onProgress?: (done: number, total: number) => void,
  ): Promise<({ check: LocalCheck } | { problem: Problem })[]>;
  /** A file read again, synchronously, to locate a problem the cross-object rules found in it. */
  reread(path: string): SourceFile | undefined;
}

/** Writes new files into the working tree (scaffolding). */
export interface FileWriter {
  exists(path: string): Promise<boolean>;
  write(path: string, content: string): Promise<void>;
}

/** A revision of the repository: a commit id, or the working tree (files on disk, tracked or not). */
export type Revision = string;
export const WORKTREE = "worktree";
/** git's well-known id of the empty tree: the base revision of a repository's first commit. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export interface CommitInfo {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Author date, ISO 8601 with offset. */
  date: string;
  subject: string;
  /** The full message after the subject line (trailers included). */
  body: string;
}

/**
 * Reads configuration files straight from git objects (no checkout), or from the working tree
 * when the revision is `WORKTREE`. All paths are relative to the repository root with `/`.
 */
export interface RevisionReader {
  /** The commit id a ref names; fails with a clear message for an unknown ref. */
  resolve(ref: string): Promise<string>;
  /** Paths under `sites/` and the config file that differ between two revisions (renames as delete + add). */
  changedPaths(base: Revision, head: Revision): Promise<string[]>;
  /** Every file path under `prefix` (a folder, e.g. `sites/US/AGLT2/`) at a revision, sorted. */
  listFiles(revision: Revision, prefix: string): Promise<string[]>;
  /** The content of each path that exists at the revision; absent paths are left out of the map. */
  readFiles(revision: Revision, paths: readonly string[]): Promise<Map<string, Uint8Array>>;
  /**
   * Commits touching any of `paths`, newest first: reachable from `to` (default HEAD) and not from
   * `from`, optionally only those after `since` (a date).
   */
  log(options: {
    paths: readonly string[];
    since?: string;
    from?: string;
    to?: string;
  }): Promise<CommitInfo[]>;
  /**
   * Files under `prefix` at a revision that contain any of `needles` (fixed strings, compared
   * without case): a cheap superset of the files that may mention a name.
   */
  grep?(revision: Revision, needles: readonly string[], prefix: string): Promise<string[]>;
  /** Stops any helper process. */
  close(): Promise<void>;
}

export interface PullRequestInfo {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  /** Login of the author; bots end in `[bot]`. */
  author: string;
  authorIsBot: boolean;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  labels: string[];
  /** ISO 8601. */
  createdAt: string;
  url: string;
}

export interface PullRequestReview {
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  /** ISO 8601, absent for pending reviews. */
  submittedAt?: string;
  commitId: string;
}

export interface PullRequestCommit {
  sha: string;
  message: string;
  author: string;
}

export interface CommitStatusInput {
  state: "success" | "failure" | "pending" | "error";
  context: string;
  description: string;
  targetUrl?: string;
}

/**
 * The code-hosting platform (GitHub), as far as siteops needs it. Implementations turn
 * authentication, permission and rate-limit failures into OperationalErrors naming the missing
 * permission.
 */
export interface CodeHost {
  getPullRequest(number: number): Promise<PullRequestInfo>;
  listReviews(number: number): Promise<PullRequestReview[]>;
  listPullRequestCommits(number: number): Promise<PullRequestCommit[]>;
  /**
   * Creates the one comment carrying `marker` (an HTML comment) on the pull request, or updates it
   * when it exists, so re-runs never add a second comment.
   */
  upsertComment(number: number, marker: string, body: string): Promise<{ id: number; created: boolean }>;
  setCommitStatus(sha: string, status: CommitStatusInput): Promise<void>;
  /** Logins of a team's members (`org/team`), for policies that name teams. */
  teamMembers(org: string, team: string): Promise<string[]>;
  /** Whether a user or organisation login exists (CODEOWNERS lint). */
  userExists(login: string): Promise<boolean>;
  /** Pull requests whose head is `branch` of this repository, newest first (bots that keep one PR per branch). */
  listPullRequestsByHead(branch: string, state: "open" | "closed" | "all"): Promise<PullRequestInfo[]>;
  /** Opens a pull request from `head` (a branch of this repository) into `base`. */
  createPullRequest(input: NewPullRequest): Promise<PullRequestInfo>;
  /** Changes a pull request's title and/or body. */
  updatePullRequest(number: number, changes: { title?: string; body?: string }): Promise<PullRequestInfo>;
  /** Adds labels to a pull request (GitHub creates labels that do not exist yet). */
  addLabels(number: number, labels: readonly string[]): Promise<void>;
  /** The oldest open issue (not pull request) with `label` whose body contains `marker`. */
  findOpenIssue(label: string, marker: string): Promise<{ number: number; body: string } | undefined>;
  /** Opens an issue; returns its number. */
  createIssue(title: string, body: string, labels: readonly string[]): Promise<number>;
  /** Changes an issue's title, body and/or state. */
  updateIssue(number: number, changes: IssueChanges): Promise<void>;
}

export interface IssueChanges {
  title?: string;
  body?: string;
  state?: "open" | "closed";
}

export interface NewPullRequest {
  title: string;
  body: string;
  head: string;
  base: string;
  draft?: boolean;
}
