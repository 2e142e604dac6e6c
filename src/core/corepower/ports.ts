/** What the corepower bot needs from the outside world; adapters implement these. */

/** One text of a feed: a file of a folder, a file, or a URL's answer. */
export interface FeedText {
  feed: string;
  source: string;
  text: string;
}

export interface FeedSource {
  /** Every text of one feed (`--feed` value). */
  readFeed(location: string): Promise<FeedText[]>;
  /** A local data file (`--hardware`, `--scores`); `flag` names the option in messages. */
  readDataFile(location: string, flag: string): Promise<{ source: string; text: string }>;
}

export interface BranchCommit {
  sha: string;
  authorName: string;
  authorEmail: string;
  subject: string;
}

/**
 * The bot's branches in git: fetched from and pushed to a remote, commits made without touching the
 * working tree or index.
 */
export interface BranchPublisher {
  /** Fetches the base branch and every bot branch (`prefix*`) from the remote. */
  fetch(baseBranch: string, prefix: string): Promise<void>;
  /** The fetched commit of a remote branch, or undefined when the remote has no such branch. */
  remoteHead(branch: string): Promise<string | undefined>;
  /** Commits reachable from `head` and not from `base`, newest first. */
  commitsSince(base: string, head: string): Promise<BranchCommit[]>;
  /** A new commit on `parent` with `files` (path -> text) replaced, authored by the bot. */
  commit(parent: string, files: ReadonlyMap<string, string>, message: string): Promise<string>;
  /**
   * Points the remote `branch` at `commit`, only if it still is at `expected` (undefined: only if
   * the branch does not exist): `git push --force-with-lease`.
   */
  push(commit: string, branch: string, expected: string | undefined): Promise<void>;
}

/** Writes edited files into the working tree (`--write`). */
export interface WorktreeWriter {
  writeFiles(files: ReadonlyMap<string, string>): Promise<void>;
}
