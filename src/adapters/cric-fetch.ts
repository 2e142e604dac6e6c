import { constants } from "node:fs";
import { lstat, mkdir, open, stat } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { OperationalError, UsageError } from "../core/errors.js";
import type { SourceFile } from "../core/model.js";
import type { TreeFiles } from "../core/ports.js";
import { SITES_DIR } from "../core/tree/layout.js";
import { FsConfigSource } from "./fs-source.js";

/**
 * CRIC I/O at the edge: dumps read from a file or fetched over HTTP(S), the import target (a
 * repository whose sites/ may not exist yet), and plain output files. One technology each.
 */

/** The full CRIC queue dump is about 1 MB, the DDM endpoint dump 1.3 MB: 64 MB means something is wrong. */
export const DEFAULT_MAX_DUMP_BYTES = 64 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface DumpText {
  /** The file name or URL, for messages. */
  source: string;
  text: string;
}

export interface ReadDumpOptions {
  /** Folder relative paths are resolved against. */
  cwd: string;
  /** Which option named the dump, for messages (e.g. `--live`). */
  flag: string;
  maxBytes?: number;
  timeoutMs?: number;
}

const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** A dump from a local file, or from an http(s) URL with the global fetch. */
export async function readDump(location: string, options: ReadDumpOptions): Promise<DumpText> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DUMP_BYTES;
  if (URL_LIKE.test(location)) return fetchDump(location, options, maxBytes);
  const path = resolve(options.cwd, location);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === "ENOENT" ? "no such file" : `cannot be read (${code ?? (error as Error).message})`;
    throw new OperationalError(`${location}: ${what}. Check the path given to ${options.flag}.`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new OperationalError(`${location}: is not a file. Give ${options.flag} a JSON file.`);
    if (info.size > maxBytes) throw tooLarge(location, maxBytes);
    return { source: location, text: (await handle.readFile()).toString("utf8") };
  } finally {
    await handle.close();
  }
}

async function fetchDump(location: string, options: ReadDumpOptions, maxBytes: number): Promise<DumpText> {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new UsageError(
      `${options.flag} \`${location}\` is not a valid URL. Write it like https://host/path.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `${options.flag} \`${location}\`: only http and https URLs are fetched, not ${url.protocol}. Give an http(s) URL or a file path.`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json" },
      redirect: "follow",
    });
  } catch (error) {
    throw new OperationalError(
      `${location}: ${networkReason(error, timeoutMs)}. Check the URL and the network, then retry.`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new OperationalError(
      `${location}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}, not the dump. Check the URL, or retry later if the server is failing.`,
    );
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(location, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength;
      // The declared length can lie or be absent: count what actually arrives.
      if (total > maxBytes) throw tooLarge(location, maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof OperationalError) throw error;
    throw new OperationalError(
      `${location}: ${networkReason(error, timeoutMs)} while reading the answer. Retry.`,
    );
  }
  return { source: location, text: Buffer.concat(chunks).toString("utf8") };
}

function tooLarge(location: string, maxBytes: number): OperationalError {
  return new OperationalError(
    `${location}: larger than ${maxBytes} bytes; a CRIC dump is a few MB. Check that it is the right file or URL.`,
  );
}

/** fetch reports "fetch failed" and hides the reason in `cause`: dig it out for people. */
function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError")
    return `no complete answer within ${timeoutMs / 1000} s`;
  const code = e.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused (nothing listens at that address and port)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name does not resolve";
  if (code === "ECONNRESET") return "the connection was reset";
  if (code?.startsWith("CERT_") || code?.includes("CERT")) return `the TLS certificate was refused (${code})`;
  return `cannot fetch (${code ?? e.cause?.message ?? e.message ?? String(error)})`;
}

/**
 * A repository an import writes into. Its sites/ folder may not exist yet (an empty repository);
 * files are replaced only when the import decided to (--force), never through a symbolic link.
 */
export class FsImportTarget {
  readonly root: string;
  readonly source: FsConfigSource;

  constructor(root: string) {
    this.root = resolve(root);
    this.source = new FsConfigSource(this.root);
  }

  async readTree(): Promise<TreeFiles> {
    const info = await stat(this.root).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new OperationalError(
        `${this.root}: no such directory. Pass --root with the path of the repository.`,
      );
    }
    const sites = await lstat(resolve(this.root, SITES_DIR)).catch(() => undefined);
    if (!sites) return { files: [], problems: [] };
    if (!sites.isDirectory()) {
      throw new OperationalError(`${SITES_DIR}: is not a folder. Replace it with the sites/ folder.`);
    }
    return this.source.readSites();
  }

  readConfig(): Promise<SourceFile | undefined> {
    return this.source.readConfig();
  }

  /** Creates or replaces one file (folders as needed); refuses paths outside the root and links. */
  async write(path: string, content: string): Promise<void> {
    const target = resolve(this.root, path);
    if (!target.startsWith(this.root + sep)) {
      throw new OperationalError(
        `${path}: is outside the repository. This is a bug in siteops; please report it.`,
      );
    }
    await mkdir(dirname(target), { recursive: true });
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
    const handle = await open(target, flags, 0o644).catch((error: NodeJS.ErrnoException) => {
      throw new OperationalError(
        `${path}: cannot be written (${error.code ?? error.message}). Fix its permissions, or replace a link with a plain file.`,
      );
    });
    try {
      await handle.writeFile(content, "utf8");
    } finally {
      await handle.close();
    }
  }
}

/** Writes an output file (e.g. `cric export --out`), replacing it. */
export async function writeOutputFile(cwd: string, path: string, content: string): Promise<void> {
  const target = resolve(cwd, path);
  const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644).catch(
    (error: NodeJS.ErrnoException) => {
      throw new OperationalError(
        `${path}: cannot be written (${error.code ?? error.message}). Check the path given to --out.`,
      );
    },
  );
  try {
    await handle.writeFile(content, "utf8");
  } finally {
    await handle.close();
  }
}
