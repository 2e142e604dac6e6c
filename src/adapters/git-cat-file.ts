import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import type { Socket } from "node:net";
import type { OperationalError } from "../core/errors.js";
import { FSCK, firstLine, gitEnv, problem, startFailure } from "./git-process.js";

/** git's answer to one request: the object's id and type, and its content when it is a blob. */
interface Answer {
  id: string;
  type: string;
  content: Uint8Array | undefined;
}

type Waiter = { resolve: (answer?: Answer) => void; reject: (error: Error) => void };

/**
 * One `git cat-file --batch` process. Requests are answered in order, so each response settles the
 * oldest pending read. The process is unref'd while idle so a forgotten close() cannot keep node alive.
 */
export class CatFileBatch {
  stopped = false;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Waiter[] = [];
  private readonly bytes = new ByteQueue();
  private body: { id: string; type: string; size: number } | undefined;
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

  /** The contents of blobs by name (`<commit>:<path>` or a blob id); undefined for a missing one or another type. */
  async read(names: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return (await this.ask(names)).map((answer) => answer?.content);
  }

  /**
   * The object a name stands for (any revision syntax git accepts, such as `main^{commit}`), or
   * undefined when there is none: this resolves names without starting a process per name.
   */
  async describe(name: string): Promise<{ id: string; type: string } | undefined> {
    const [answer] = await this.ask([name]);
    return answer && { id: answer.id, type: answer.type };
  }

  private ask(names: readonly string[]): Promise<(Answer | undefined)[]> {
    if (this.failure) return Promise.reject(this.failure);
    const bad = names.find((name) => /[\n\r]/.test(name));
    if (bad !== undefined) {
      return Promise.reject(problem(`\`${bad}\``, "has a line break in its name", "Rename the file."));
    }
    if (this.pending.length === 0 && names.length > 0) this.hold(true);
    const reads = names.map(
      (_name) => new Promise<Answer | undefined>((resolve, reject) => this.pending.push({ resolve, reject })),
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
        const found = /^([0-9a-f]+) ([a-z]+) (\d+)$/.exec(header);
        if (found) this.body = { id: found[1]!, type: found[2]!, size: Number(found[3]) };
        else if (/ (missing|ambiguous|submodule)$/.test(header)) this.settle(undefined);
        else this.protocolError(header);
        continue;
      }
      // git ends each object with a newline of its own.
      if (this.bytes.length < this.body.size + 1) return;
      const content = this.bytes.take(this.body.size);
      this.bytes.take(1);
      const { id, type } = this.body;
      this.body = undefined;
      this.settle({ id, type, content: type === "blob" ? content : undefined });
    }
  }

  private settle(answer: Answer | undefined): void {
    const next = this.pending.shift();
    if (!next) {
      this.protocolError("an answer to no request");
      return;
    }
    next.resolve(answer);
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
