import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OperationalError } from "../core/errors.js";
import { bareId } from "../core/mail/message-id.js";
import type {
  DeliveryOutcome,
  MailTransport,
  Outbox,
  OutboxEntry,
  OutboxMeta,
  OutgoingMessage,
} from "../core/mail/ports.js";

/** A file name for a Message-ID: its left part, plus a short hash when the key names recipients. */
export function fileStem(message: Pick<OutgoingMessage, "key" | "messageId">): string {
  const local = bareId(message.messageId).split("@")[0] ?? "mail";
  const stem = local.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 120);
  if (message.key === message.messageId) return stem;
  return `${stem}.${createHash("sha256").update(message.key).digest("hex").slice(0, 8)}`;
}

/**
 * `--out DIR` and the default without SMTP: each mail becomes `<DIR>/<id>.eml`, the bytes SMTP
 * would have carried. The name comes from the Message-ID, so a re-run rewrites the same files
 * instead of adding copies.
 */
export class EmlDirectoryTransport implements MailTransport {
  readonly written: string[] = [];
  constructor(private readonly dir: string) {}

  async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    const path = join(this.dir, `${fileStem(message)}.eml`);
    await atomicWrite(path, message.raw, this.dir);
    this.written.push(path);
    return { status: "sent", accepted: [...message.envelope.to], rejected: [], deferred: [] };
  }

  async close(): Promise<void> {}
}

interface Sidecar {
  key: string;
  messageId: string;
  envelope: { from: string; to: string[] };
  meta: OutboxMeta;
}

/**
 * Mails not delivered yet: `<id>.eml` (the exact bytes) and `<id>.json` (envelope, ledger key,
 * why it is here). The sidecar is written last and removed first, so an entry is listed only
 * when both files are complete.
 */
export class DirectoryOutbox implements Outbox {
  constructor(readonly dir: string) {}

  async put(message: OutgoingMessage, meta: OutboxMeta): Promise<string> {
    const id = fileStem(message);
    const sidecar: Sidecar = {
      key: message.key,
      messageId: message.messageId,
      envelope: message.envelope,
      meta,
    };
    await atomicWrite(join(this.dir, `${id}.eml`), message.raw, this.dir);
    await atomicWrite(join(this.dir, `${id}.json`), `${JSON.stringify(sidecar, null, 2)}\n`, this.dir);
    return id;
  }

  async list(): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new OperationalError(
        `${this.dir}: cannot read the outbox (${(error as Error).message}). Check the path and its permissions.`,
      );
    }
    const entries: OutboxEntry[] = [];
    for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
      const id = name.slice(0, -".json".length);
      if (!names.includes(`${id}.eml`)) continue;
      const sidecar = parseSidecar(await readFile(join(this.dir, name), "utf8"), join(this.dir, name));
      const raw = new Uint8Array(await readFile(join(this.dir, `${id}.eml`)));
      entries.push({
        id,
        message: { key: sidecar.key, messageId: sidecar.messageId, envelope: sidecar.envelope, raw },
        meta: sidecar.meta,
      });
    }
    return entries;
  }

  async remove(id: string): Promise<void> {
    if (!/^[A-Za-z0-9._-]+$/.test(id))
      throw new OperationalError(`${this.dir}: \`${id}\` is not an outbox entry name.`);
    await rm(join(this.dir, `${id}.json`), { force: true });
    await rm(join(this.dir, `${id}.eml`), { force: true });
  }
}

function parseSidecar(text: string, path: string): Sidecar {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OperationalError(`${path}: is not JSON. Restore it, or delete it together with its .eml file.`);
  }
  const s = value as Partial<Sidecar>;
  const to = s.envelope?.to;
  if (
    typeof s.key !== "string" ||
    typeof s.messageId !== "string" ||
    typeof s.envelope?.from !== "string" ||
    !Array.isArray(to) ||
    !to.every((a) => typeof a === "string") ||
    typeof s.meta !== "object"
  ) {
    throw new OperationalError(
      `${path}: lacks key, messageId or envelope {from, to}. Restore it, or delete it together with its .eml file.`,
    );
  }
  return s as Sidecar;
}

async function atomicWrite(path: string, data: string | Uint8Array, dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    throw new OperationalError(
      `${path}: cannot write (${(error as Error).message}). Check that ${dir} is writable.`,
    );
  }
}
