import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OperationalError } from "../core/errors.js";
import { WORKTREE } from "../core/ports.js";
import { GitRevisionReader } from "./git-reader.js";

const run = promisify(execFile);
const IDENTITY = [
  "-c",
  "user.name=Ada Operator",
  "-c",
  "user.email=ada@siteops.invalid",
  "-c",
  "commit.gpgsign=false",
];

let dir: string;
let reader: GitRevisionReader;
const extraDirs: string[] = [];

async function git(args: string[], env: Record<string, string> = {}): Promise<string> {
  // Run from a git hook, these would point the test's git at the project repository.
  const clean = {
    ...process.env,
    ...env,
    GIT_DIR: undefined,
    GIT_WORK_TREE: undefined,
    GIT_INDEX_FILE: undefined,
  };
  const { stdout } = await run("git", args, { cwd: dir, env: clean, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

async function put(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
}

async function commit(message: string, date?: string): Promise<string> {
  const env = date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {};
  await git(["add", "-A"]);
  await git([...IDENTITY, "commit", "-q", "--allow-empty", "-m", message], env);
  return git(["rev-parse", "HEAD"]);
}

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));
// Comparing hex strings is much faster in vitest than comparing large arrays element by element.
const hex = (files: Map<string, Uint8Array>) =>
  Object.fromEntries([...files].map(([path, content]) => [path, Buffer.from(content).toString("hex")]));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "siteops-git-reader-"));
  await git(["init", "-q", "-b", "main"]);
  reader = new GitRevisionReader(dir);
});

afterEach(async () => {
  await reader.close();
  for (const path of [dir, ...extraDirs.splice(0)]) await rm(path, { recursive: true, force: true });
});

describe("resolve", () => {
  it("gives the full sha of HEAD, a branch and a short sha", async () => {
    await put("sites/US/cloud.yaml", "name: US\n");
    const sha = await commit("first");
    await git(["branch", "feature"]);

    const resolved = await Promise.all(
      ["HEAD", "feature", sha.slice(0, 7)].map((ref) => reader.resolve(ref)),
    );

    expect(resolved).toEqual([sha, sha, sha]);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it("names an unknown ref and the repository", async () => {
    await commit("first");

    const error = await reader.resolve("origin/mainn").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toContain("`origin/mainn`: no such revision in");
    expect((error as Error).message).toContain(dir);
  });

  it("follows tags, annotated tags and ancestry to the commit, and refuses what names no commit", async () => {
    await put("sites/US/cloud.yaml", "name: US\n");
    const first = await commit("first");
    await put("sites/US/cloud.yaml", "name: US\ndescription: x\n");
    const second = await commit("second");
    await git(["tag", "light", first]);
    await git([
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@siteops.invalid",
      "tag",
      "-a",
      "-m",
      "m",
      "annotated",
    ]);

    const resolved = await Promise.all(
      ["light", "annotated", "HEAD~1", "HEAD^"].map((r) => reader.resolve(r)),
    );
    const tree = (await git(["rev-parse", "HEAD^{tree}"])).trim();
    const notCommits = ["HEAD^{tree}", tree, "HEAD~5", "HEAD:sites/US/cloud.yaml"];

    expect(resolved).toEqual([first, second, first, first]);
    for (const ref of notCommits) {
      await expect(reader.resolve(ref), ref).rejects.toThrow(/no such revision/);
    }
  });

  it.each(["-n", "--output=/tmp/x", "", "main\nHEAD"])("refuses %j as a ref", async (ref) => {
    await commit("first");

    const result = reader.resolve(ref);

    await expect(result).rejects.toBeInstanceOf(OperationalError);
  });

  it("fails with an OperationalError outside a git repository", async () => {
    const plain = await mkdtemp(join(tmpdir(), "siteops-not-a-repo-"));
    extraDirs.push(plain);
    const outside = new GitRevisionReader(plain);

    const error = await outside.resolve("HEAD").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toContain("is not a git repository");
  });

  it("refuses a subfolder of a repository as root", async () => {
    await put("sites/US/cloud.yaml", "name: US\n");
    await commit("first");

    const result = new GitRevisionReader(join(dir, "sites")).resolve("HEAD");

    await expect(result).rejects.toThrow(/not its top/);
  });
});

describe("changedPaths", () => {
  it("lists modified, added, deleted and renamed paths between two commits, only under sites/", async () => {
    const same = "name: renamed queue\ncorecount: 8\nmaxrss: 16000\n".repeat(5);
    await put("sites/US/A/site.yaml", "name: A\n");
    await put("sites/US/A/queues/OLD.yaml", same);
    await put("sites/US/A/queues/GONE.yaml", "name: GONE\n");
    await put("siteops.config.yaml", "validation: {}\n");
    await put("README.md", "readme\n");
    const base = await commit("base");
    await put("sites/US/A/site.yaml", "name: A2\n");
    await put("sites/US/A/queues/NEW.yaml", "name: NEW\n");
    await unlink(join(dir, "sites/US/A/queues/GONE.yaml"));
    await git(["mv", "sites/US/A/queues/OLD.yaml", "sites/US/A/queues/MOVED.yaml"]);
    await put("siteops.config.yaml", "validation: { max_file_bytes: 10 }\n");
    await put("README.md", "changed\n");
    const head = await commit("head");

    const paths = await reader.changedPaths(base, head);

    expect(paths).toEqual([
      "siteops.config.yaml",
      "sites/US/A/queues/GONE.yaml",
      "sites/US/A/queues/MOVED.yaml",
      "sites/US/A/queues/NEW.yaml",
      "sites/US/A/queues/OLD.yaml",
      "sites/US/A/site.yaml",
    ]);
  });

  it("compares with the working tree: edits, untracked files, not ignored ones", async () => {
    await put(".gitignore", "*.tmp\n");
    await put("sites/US/A/site.yaml", "name: A\n");
    await put("sites/US/A/queues/Q.yaml", "name: Q\n");
    const base = await commit("base");
    await put("sites/US/A/site.yaml", "name: edited\n");
    await put("sites/US/A/queues/with space.yaml", "name: new\n");
    await put("sites/US/A/scratch.tmp", "ignored\n");
    await put("notes.txt", "outside\n");

    const paths = await reader.changedPaths(base, WORKTREE);

    expect(paths).toEqual(["sites/US/A/queues/with space.yaml", "sites/US/A/site.yaml"]);
  });
});

describe("listFiles", () => {
  beforeEach(async () => {
    await put(".gitignore", "*.tmp\n");
    await put("sites/US/AGLT2/site.yaml", "name: AGLT2\n");
    await put("sites/US/AGLT2/queues/Q1.yaml", "name: Q1\n");
    await put("sites/US/AGLT2X/site.yaml", "name: AGLT2X\n");
  });

  it("lists the files under a folder at a commit", async () => {
    const sha = await commit("base");

    const paths = await reader.listFiles(sha, "sites/US/AGLT2/");

    expect(paths).toEqual(["sites/US/AGLT2/queues/Q1.yaml", "sites/US/AGLT2/site.yaml"]);
  });

  it("lists the files on disk in the working tree, tracked or not, without ignored or deleted ones", async () => {
    await commit("base");
    await unlink(join(dir, "sites/US/AGLT2/queues/Q1.yaml"));
    await put("sites/US/AGLT2/queues/Q2.yaml", "name: Q2\n");
    await put("sites/US/AGLT2/queues/Q3.tmp", "ignored\n");

    const paths = await reader.listFiles(WORKTREE, "sites/US/AGLT2");

    expect(paths).toEqual(["sites/US/AGLT2/queues/Q2.yaml", "sites/US/AGLT2/site.yaml"]);
  });
});

describe("readFiles", () => {
  it("reads 300 files at a commit with exact bytes and leaves out missing paths", async () => {
    const expected = new Map<string, Uint8Array>();
    for (let i = 0; i < 297; i++) {
      const filler = i % 100 === 0 ? 300_000 : i * 7;
      expected.set(`sites/bulk/f${i}.yaml`, bytes(`n: ${i}\n${"x".repeat(filler)}\n`));
    }
    expected.set("sites/bulk/binary.bin", new Uint8Array([0, 255, 254, 10, 13, 0xc3, 0x28, 10, 0]));
    expected.set("sites/bulk/with space.yaml", bytes("name: spaced\n"));
    expected.set("sites/bulk/empty.yaml", new Uint8Array());
    for (const [path, content] of expected) await put(path, content);
    const sha = await commit("bulk");

    const files = await reader.readFiles(sha, [...expected.keys(), "sites/bulk/nope.yaml", "sites/bulk"]);

    expect(files.size).toBe(300);
    expect(files.has("sites/bulk/nope.yaml")).toBe(false);
    expect(files.has("sites/bulk")).toBe(false);
    expect(files.get("sites/bulk/binary.bin")).toEqual(expected.get("sites/bulk/binary.bin"));
    expect(hex(files)).toEqual(hex(expected));
  });

  it("reads as many files at two commits the same, inside and outside sites/, as one file at a time", async () => {
    const paths = Array.from({ length: 250 }, (_, i) => `sites/many/q${i}.yaml`);
    for (const path of paths) await put(path, `name: ${path}\n`);
    await put("CODEOWNERS", "* @ada\n");
    await symlink("q0.yaml", join(dir, "sites/many/link.yaml"));
    const first = await commit("first");
    await put("sites/many/q7.yaml", "name: changed\n");
    const second = await commit("second");
    const wanted = [...paths, "CODEOWNERS", "sites/many/link.yaml", "sites/many/none.yaml"];

    for (const sha of [first, second]) {
      const many = await reader.readFiles(sha, wanted);
      const single = new Map<string, Uint8Array>();
      for (const path of wanted)
        for (const entry of await reader.readFiles(sha, [path])) single.set(...entry);
      expect(many.size).toBe(252);
      expect(hex(many)).toEqual(hex(single));
    }
    expect(Buffer.from((await reader.readFiles(second, wanted)).get("sites/many/q7.yaml")!).toString()).toBe(
      "name: changed\n",
    );
  });

  it("reads the files two commits differ in by the blob ids their comparison gave, to the same bytes", async () => {
    const paths = Array.from({ length: 240 }, (_, i) => `sites/many/q${i}.yaml`);
    for (const path of paths) await put(path, `name: ${path}\n`);
    await symlink("q0.yaml", join(dir, "sites/many/link.yaml"));
    const first = await commit("first");
    for (const path of paths.slice(0, 220)) await put(path, `name: ${path}\nmaxrss: 2000\n`);
    await rm(join(dir, "sites/many/q230.yaml"));
    await rm(join(dir, "sites/many/link.yaml"));
    await symlink("q1.yaml", join(dir, "sites/many/link.yaml"));
    await put("sites/many/new.yaml", "name: new\n");
    const second = await commit("second");
    const fresh = new GitRevisionReader(dir);
    const changed = await fresh.changedPaths(first, second);
    const wanted = [...changed, "sites/many/q235.yaml", "sites/many/none.yaml"];

    for (const sha of [first, second]) {
      const byIds = await fresh.readFiles(sha, wanted);
      const byPath = new Map<string, Uint8Array>();
      for (const path of wanted)
        for (const entry of await reader.readFiles(sha, [path])) byPath.set(...entry);
      expect(hex(byIds), sha).toEqual(hex(byPath));
    }
    await fresh.close();
    expect(changed).toHaveLength(223);
    expect((await reader.readFiles(first, ["sites/many/new.yaml"])).size).toBe(0);
  });

  it("answers two concurrent calls on one reader correctly", async () => {
    const big = `b: ${"y".repeat(200_000)}\n`;
    await put("sites/a.yaml", "a: 1\n");
    await put("sites/b.yaml", big);
    const first = await commit("first");
    await put("sites/a.yaml", "a: 2\n");
    const second = await commit("second");

    const [old, current] = await Promise.all([
      reader.readFiles(first, ["sites/b.yaml", "sites/a.yaml"]),
      reader.readFiles(second, ["sites/a.yaml", "sites/b.yaml", "sites/none.yaml"]),
    ]);

    expect(hex(old)).toEqual(
      hex(
        new Map([
          ["sites/a.yaml", bytes("a: 1\n")],
          ["sites/b.yaml", bytes(big)],
        ]),
      ),
    );
    expect(hex(current)).toEqual(
      hex(
        new Map([
          ["sites/a.yaml", bytes("a: 2\n")],
          ["sites/b.yaml", bytes(big)],
        ]),
      ),
    );
  });

  it("rejects pending reads with an OperationalError when git cat-file dies", async () => {
    await put("sites/a.yaml", "a: 1\n");
    const sha = await commit("first");
    await reader.readFiles(sha, ["sites/a.yaml"]);
    const { stdout } = await run("pgrep", ["-P", String(process.pid), "-f", "cat-file --batch"]);
    const pids = stdout.trim().split("\n").map(Number);
    for (const pid of pids) process.kill(pid, "SIGSTOP");

    const reading = reader.readFiles(sha, ["sites/a.yaml"]);
    await reader.resolve(sha);
    await new Promise((done) => setTimeout(done, 200));
    for (const pid of pids) process.kill(pid, "SIGKILL");

    await expect(reading).rejects.toBeInstanceOf(OperationalError);
    expect(await reader.readFiles(sha, ["sites/a.yaml"])).toEqual(
      new Map([["sites/a.yaml", bytes("a: 1\n")]]),
    );
  });

  it("reads the working tree, skipping links and refusing paths outside the root", async () => {
    await put("sites/a.yaml", "a: disk\n");
    await symlink("a.yaml", join(dir, "sites/link.yaml"));
    await symlink(tmpdir(), join(dir, "sites/outside"));

    const files = await reader.readFiles(WORKTREE, ["sites/a.yaml", "sites/link.yaml", "sites/nope.yaml"]);
    const escaped = await reader.readFiles(WORKTREE, ["sites/outside/anything.yaml"]);

    expect(files).toEqual(new Map([["sites/a.yaml", bytes("a: disk\n")]]));
    expect(escaped.size).toBe(0);
    await expect(reader.readFiles(WORKTREE, ["../x"])).rejects.toBeInstanceOf(OperationalError);
    await expect(reader.readFiles(WORKTREE, ["/etc/passwd"])).rejects.toBeInstanceOf(OperationalError);
  });
});

describe("log", () => {
  it("returns no commits for a repository without any", async () => {
    const commits = await reader.log({ paths: ["sites"] });

    expect(commits).toEqual([]);
  });

  it("returns the commits touching the paths, newest first, with their details", async () => {
    await put("sites/US/A/site.yaml", "name: A\n");
    const first = await commit("Add AGLT2", "2024-01-10T10:00:00+01:00");
    await put("README.md", "not config\n");
    await commit("Docs only", "2024-02-10T10:00:00+01:00");
    await put("sites/US/A/site.yaml", "name: A2\n");
    const message = "Raise corecount\n\nThe site asked for it.\n\nTicket: GGUS:1001605";
    const second = await commit(message, "2024-03-10T10:00:00+01:00");

    const commits = await reader.log({ paths: ["sites"] });

    expect(commits).toEqual([
      {
        sha: second,
        parents: [expect.stringMatching(/^[0-9a-f]{40}$/)],
        authorName: "Ada Operator",
        authorEmail: "ada@siteops.invalid",
        date: "2024-03-10T10:00:00+01:00",
        subject: "Raise corecount",
        body: "The site asked for it.\n\nTicket: GGUS:1001605",
      },
      expect.objectContaining({ sha: first, parents: [], subject: "Add AGLT2", body: "" }),
    ]);
  });

  it("leaves out commits before `since`", async () => {
    await put("sites/a.yaml", "a: 1\n");
    await commit("old", "2023-06-01T12:00:00Z");
    await put("sites/a.yaml", "a: 2\n");
    await commit("new", "2024-06-01T12:00:00Z");

    const commits = await reader.log({ paths: ["sites/a.yaml"], since: "2024-01-01" });

    expect(commits.map((c) => c.subject)).toEqual(["new"]);
  });
});

describe("close", () => {
  it("lets a closed reader read again with a new git cat-file", async () => {
    await put("sites/a.yaml", "a: 1\n");
    const sha = await commit("first");
    await reader.readFiles(sha, ["sites/a.yaml"]);
    await reader.close();

    const files = await reader.readFiles(sha, ["sites/a.yaml"]);

    expect(files).toEqual(new Map([["sites/a.yaml", bytes("a: 1\n")]]));
  });

  it("is safe when never started and when called twice", async () => {
    const idle = new GitRevisionReader(dir);

    await idle.close();
    await reader.close();
    await reader.close();

    expect(await idle.listFiles(WORKTREE, "sites")).toEqual([]);
  });
});
