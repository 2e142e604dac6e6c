import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress, type SMTPServerOptions } from "smtp-server";
import type { NotifyTuning } from "../../src/cli/commands/notify.js";
import type { CliIo } from "../../src/cli/io.js";
import { bundledRepoCopy } from "../helpers/repo.js";

const exec = promisify(execFile);
const IDENTITY = ["-c", "user.name=Ada", "-c", "user.email=ada@siteops.invalid", "-c", "commit.gpgsign=0"];

/** Tiny delays and timeouts: retries stay real but the tests stay fast. */
export const FAST: NotifyTuning = {
  retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
  smtpTimeoutMs: 3000,
};

export const REPOSITORY = "atlas-siteops/config";

export interface Received {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  user?: string;
}

export interface TestSmtp {
  port: number;
  url: string;
  received: Received[];
  /** Connections refused with 421 so far. */
  refused: () => number;
  close: () => Promise<void>;
}

export interface SmtpBehaviour {
  /** A reply such as "550 5.1.1 mailbox unavailable" refuses the recipient. */
  rejectRcpt?: (address: string) => string | undefined;
  /** A reply such as "550 5.7.1 sender rejected" refuses every sender. */
  rejectSender?: string;
  /** Refuse this many connections with 421 before accepting. */
  refuseConnections?: number;
  /** Require this login (AUTH over plain text, allowed for loopback tests only). */
  auth?: { user: string; pass: string };
  port?: number;
}

/** A real SMTP server on 127.0.0.1 (no STARTTLS: nothing to verify offline); keeps what it receives. */
export async function startSmtp(behaviour: SmtpBehaviour = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  let refused = 0;
  const options: SMTPServerOptions = {
    logger: false,
    disabledCommands: behaviour.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !behaviour.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok = auth.username === behaviour.auth?.user && auth.password === behaviour.auth?.pass;
      callback(
        ok ? null : smtpError("535 5.7.8 bad credentials", 535),
        ok ? { user: auth.username } : undefined,
      );
    },
    onConnect(_session, callback) {
      if (refused < (behaviour.refuseConnections ?? 0)) {
        refused++;
        return callback(smtpError("421 4.3.2 try again later", 421));
      }
      callback();
    },
    onMailFrom(_address, _session, callback) {
      const reply = behaviour.rejectSender;
      callback(reply ? smtpError(reply, Number(reply.slice(0, 3))) : null);
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const reply = behaviour.rejectRcpt?.(address.address);
      callback(reply ? smtpError(reply, Number(reply.slice(0, 3))) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(raw).then(
          (parsed) => {
            received.push({ envelope, raw, parsed, ...(session.user ? { user: String(session.user) } : {}) });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(behaviour.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(message: string, code: number): Error {
  return Object.assign(new Error(message.replace(/^\d{3} /, "")), { responseCode: code });
}

/** A port nothing listens on (taken from the OS, then released). */
export async function closedPort(): Promise<number> {
  const probe = await startSmtp();
  await probe.close();
  return probe.port;
}

export interface FakeIo extends CliIo {
  out: string[];
  err: string[];
  setNow(date: Date): void;
}

export function fakeIo(
  cwd: string,
  env: Record<string, string> = {},
  now = new Date("2026-11-23T10:00:00Z"),
): FakeIo {
  const out: string[] = [];
  const err: string[] = [];
  let clock = now;
  const io: FakeIo = {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env,
    cwd,
    stdoutIsTty: false,
    stderrIsTty: false,
    now: () => clock,
    setNow(date: Date) {
      clock = date;
    },
  };
  return io;
}

/** git in `dir`, never in a repository that a hook's GIT_DIR points at. */
export async function git(dir: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined };
  return (await exec("git", args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
}

export interface Scenario {
  dir: string;
  /** The bundled tree's commit on main. */
  initial: string;
  edit(file: string, find: RegExp | string, replace: string): Promise<void>;
  write(file: string, text: string): Promise<void>;
  commit(message: string): Promise<string>;
  git(...args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

let template: Promise<string> | undefined;

/**
 * A committed copy of the bundled tree in a real git repository, to make changes in. The copy
 * is made once per test worker and cloned for each test (a local clone shares the objects).
 */
export async function scenario(): Promise<Scenario> {
  template ??= bundledRepoCopy().then((repo) => {
    process.once("exit", () => rmSync(repo.dir, { recursive: true, force: true }));
    return repo.dir;
  });
  const dir = await mkdtemp(join(tmpdir(), "siteops-mail-"));
  await git(dir, "clone", "-q", "--no-tags", await template, ".");
  await git(dir, "remote", "remove", "origin");
  const repo = { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
  const run = (...args: string[]) => git(repo.dir, ...args);
  return {
    dir: repo.dir,
    initial: await run("rev-parse", "HEAD"),
    async edit(file, find, replace) {
      const path = join(repo.dir, file);
      const text = await readFile(path, "utf8");
      const matches = typeof find === "string" ? text.includes(find) : find.test(text);
      if (!matches) throw new Error(`${file}: ${String(find)} not found`);
      await writeFile(path, text.replace(find, replace));
    },
    async write(file, text) {
      await mkdir(dirname(join(repo.dir, file)), { recursive: true });
      await writeFile(join(repo.dir, file), text);
    },
    async commit(message) {
      await run("add", "-A");
      await run(...IDENTITY, "commit", "-q", "-m", message);
      return run("rev-parse", "HEAD");
    },
    git: run,
    cleanup: repo.cleanup,
  };
}

export interface PullRequestFixture {
  number: number;
  title: string;
  body?: string;
  author?: string;
  base: string;
  head: string;
  createdAt?: string;
  merged?: boolean;
  mergeCommit?: string;
  labels?: string[];
}

/** Writes a `pull_request` event payload as GitHub puts it at $GITHUB_EVENT_PATH. */
export async function writeEvent(dir: string, name: string, pr: PullRequestFixture): Promise<string> {
  const author = pr.author ?? "ada-dpa";
  const payload = {
    action: pr.merged ? "closed" : "opened",
    number: pr.number,
    pull_request: {
      number: pr.number,
      title: pr.title,
      body: pr.body ?? "",
      state: pr.merged ? "closed" : "open",
      merged: pr.merged === true,
      merge_commit_sha: pr.mergeCommit ?? null,
      draft: false,
      user: { login: author, type: author.endsWith("[bot]") ? "Bot" : "User" },
      base: { sha: pr.base, ref: "main" },
      head: { sha: pr.head, ref: `change-${pr.number}` },
      labels: (pr.labels ?? []).map((name) => ({ name })),
      created_at: pr.createdAt ?? "2026-11-23T09:00:00Z",
      html_url: `https://github.com/${REPOSITORY}/pull/${pr.number}`,
    },
  };
  // Inside .git: removed with the repository, and never part of its work tree.
  const path = join(dir, ".git", `${name}-${pr.number}.json`);
  await writeFile(path, JSON.stringify(payload));
  return path;
}

export const header = (mail: ParsedMail, name: string): string => {
  const value = mail.headers.get(name.toLowerCase());
  return typeof value === "string" ? value : JSON.stringify(value ?? "");
};

/** Every address of a parsed address header. */
export function addresses(field: ParsedMail["to"]): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => v.address ?? ""));
}
