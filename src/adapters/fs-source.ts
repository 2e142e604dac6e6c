import { closeSync, constants, type Dirent, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import { lstat, mkdir, open, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { OperationalError } from "../core/errors.js";
import type { Problem, SourceFile } from "../core/model.js";
import type { ConfigSource, FileWriter, TreeFiles, TreeListing } from "../core/ports.js";
import { makeProblem } from "../core/problem.js";
import { CONFIG_FILE, SITES_DIR } from "../core/tree/layout.js";

/** Files read at once: enough to keep the disk busy, far below the open-file limit. */
const MAX_OPEN_FILES = 64;

/** Reading stops here; the configured limit (validation.max_file_bytes) is applied by the core. */
const READ_CAP_BYTES = 16 * 1024 * 1024;

/** A configuration repository on the local file system. */
export class FsConfigSource implements ConfigSource, FileWriter {
  readonly root: string;
  private open = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(root: string) {
    this.root = resolve(root);
  }

  async assertRoot(): Promise<void> {
    const info = await stat(this.root).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new OperationalError(
        `${this.root}: no such directory. Pass --root with the path of the configuration repository.`,
      );
    }
    const sites = await stat(join(this.root, SITES_DIR)).catch(() => undefined);
    if (!sites?.isDirectory()) {
      throw new OperationalError(
        `${this.root}: has no ${SITES_DIR}/ folder, so it is not a siteops configuration repository. Pass --root with the repository's path.`,
      );
    }
  }

  async readSites(): Promise<TreeFiles> {
    await this.assertRoot();
    const files: SourceFile[] = [];
    const problems: Problem[] = [];
    await this.walk(SITES_DIR, problems, async (path) => {
      const read = await this.readCapped(path);
      if ("problem" in read) problems.push(read.problem);
      else files.push(read.file);
    });
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { files, problems };
  }

  async listSites(onCount?: (count: number) => void): Promise<TreeListing> {
    await this.assertRoot();
    const paths: string[] = [];
    const problems: Problem[] = [];
    this.walkSync(SITES_DIR, problems, (path) => {
      const count = paths.push(path);
      onCount?.(count);
    });
    paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { paths, problems };
  }

  async readConfig(): Promise<SourceFile | undefined> {
    const path = join(this.root, CONFIG_FILE);
    const info = await lstat(path).catch(() => undefined);
    if (!info) return undefined;
    if (!info.isFile()) {
      throw new OperationalError(`${CONFIG_FILE}: is not a regular file. Replace it with a plain YAML file.`);
    }
    return { path: CONFIG_FILE, bytes: await readFile(path), size: info.size };
  }

  async readText(path: string): Promise<string> {
    return readFile(this.inside(path), "utf8");
  }

  async exists(path: string): Promise<boolean> {
    return (await lstat(this.inside(path)).catch(() => undefined)) !== undefined;
  }

  async write(path: string, content: string): Promise<void> {
    const target = this.inside(path);
    await mkdir(dirname(target), { recursive: true });
    // `wx`: never overwrite a file that appeared since the caller checked.
    await writeFile(target, content, { flag: "wx" });
  }

  private inside(path: string): string {
    const target = resolve(this.root, path);
    if (!target.startsWith(this.root + sep)) {
      throw new OperationalError(`${path}: is outside the repository. Use a path inside ${this.root}.`);
    }
    return target;
  }

  private async walk(
    dir: string,
    problems: Problem[],
    onFile: (path: string) => Promise<void>,
  ): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.root, dir), { withFileTypes: true });
    } catch (error) {
      problems.push(unreadableFolder(dir, error));
      return;
    }
    // Folders and files of one level are read concurrently: most of a tree walk is waiting on I/O.
    await Promise.all(
      entries.map(async (entry) => {
        const path = `${dir}/${entry.name}`;
        const kind = entryKind(path, entry, problems);
        if (kind === "folder") await this.walk(path, problems, onFile);
        else if (kind === "file") await onFile(path);
      }),
    );
  }

  /** `walk` without waiting on the event loop: listing alone is many small system calls. */
  private walkSync(dir: string, problems: Problem[], onFile: (path: string) => void): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(this.root, dir), { withFileTypes: true });
    } catch (error) {
      problems.push(unreadableFolder(dir, error));
      return;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      const kind = entryKind(path, entry, problems);
      if (kind === "folder") this.walkSync(path, problems, onFile);
      else if (kind === "file") onFile(path);
    }
  }

  private async readCapped(path: string): Promise<{ file: SourceFile } | { problem: Problem }> {
    if (this.open >= MAX_OPEN_FILES) await new Promise<void>((resume) => this.waiting.push(resume));
    this.open++;
    try {
      return await this.readOne(path);
    } finally {
      this.open--;
      this.waiting.shift()?.();
    }
  }

  private async readOne(path: string): Promise<{ file: SourceFile } | { problem: Problem }> {
    try {
      // O_NOFOLLOW: a file swapped for a link between listing and reading is still refused.
      const handle = await open(join(this.root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const { size } = await handle.stat();
        const length = Math.min(size, READ_CAP_BYTES + 1);
        const bytes = new Uint8Array(length);
        const { bytesRead } = await handle.read(bytes, 0, length, 0);
        return { file: { path, bytes: bytes.subarray(0, bytesRead), size } };
      } finally {
        await handle.close();
      }
    } catch (error) {
      return { problem: unreadable(path, error) };
    }
  }
}

/**
 * Reads one file of a tree the way `FsConfigSource` does (no links followed, capped), without
 * waiting on the event loop: for threads that read and check files one after another. A file
 * that fits `scratch` is read into it, without asking its size or allocating: its bytes are then
 * a view of `scratch`, valid until the next read into it.
 */
export function readTreeFileSync(
  root: string,
  path: string,
  scratch?: Uint8Array,
): { file: SourceFile } | { problem: Problem } {
  try {
    const fd = openSync(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (scratch) {
        const first = readSync(fd, scratch, 0, scratch.length, 0);
        if (first < scratch.length) return { file: { path, bytes: scratch.subarray(0, first), size: first } };
      }
      const { size } = fstatSync(fd);
      const length = Math.min(size, READ_CAP_BYTES + 1);
      const bytes = new Uint8Array(length);
      const bytesRead = readSync(fd, bytes, 0, length, 0);
      return { file: { path, bytes: bytes.subarray(0, bytesRead), size } };
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { problem: unreadable(path, error) };
  }
}

/** Whether the walk descends into an entry or takes it as a file; links and special files are problems. */
function entryKind(path: string, entry: Dirent, problems: Problem[]): "folder" | "file" | undefined {
  if (entry.isSymbolicLink()) {
    problems.push(
      makeProblem({
        code: "unsafe-path",
        file: path,
        message: `${path}: is a symbolic link; siteops never follows links, so a file cannot point outside sites/ or be read twice. Replace the link with the file itself.`,
      }),
    );
    return undefined;
  }
  if (entry.isDirectory()) return "folder";
  if (entry.isFile()) return "file";
  problems.push(
    makeProblem({
      code: "unexpected-file",
      file: path,
      message: `${path}: is not a regular file. Remove it from sites/.`,
    }),
  );
  return undefined;
}

function unreadableFolder(dir: string, error: unknown): Problem {
  return makeProblem({
    code: "file-unreadable",
    file: dir,
    message: `${dir}: cannot be read (${(error as Error).message}). Fix its permissions.`,
  });
}

function unreadable(path: string, error: unknown): Problem {
  return makeProblem({
    code: "file-unreadable",
    file: path,
    message: `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Fix its permissions or replace it with a plain file.`,
  });
}
