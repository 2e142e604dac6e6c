/**
 * Benchmark feeds at the edge: a folder of result JSON files (searched recursively), one JSON or
 * JSON-lines file, or an http(s) URL (a JSON document, array, JSON lines, or an OpenSearch answer).
 * Returns texts; parsing and checking records is the core's (`core/corepower/records.ts`).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { FeedSource, FeedText } from "../core/corepower/ports.js";
import { OperationalError, UsageError } from "../core/errors.js";

export const FEED_MAX_BYTES = 256 * 1024 * 1024;
export const FEED_TIMEOUT_MS = 120_000;
const FEED_FILE = /\.(json|jsonl|ndjson)$/i;
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export class FsHttpFeedSource implements FeedSource {
  constructor(
    private readonly cwd: string,
    private readonly options: { maxBytes?: number; timeoutMs?: number } = {},
  ) {}

  async readFeed(location: string): Promise<FeedText[]> {
    if (URL_LIKE.test(location)) return [await this.fetchText(location)];
    const path = resolve(this.cwd, location);
    const info = await stat(path).catch(() => undefined);
    if (!info)
      throw new OperationalError(`${location}: no such file or folder. Check the path given to --feed.`);
    if (info.isFile())
      return [{ feed: location, source: location, text: await this.readCapped(path, location) }];
    if (!info.isDirectory())
      throw new OperationalError(
        `${location}: is neither a file nor a folder. Give --feed a folder of result files, a file or a URL.`,
      );
    const entries = (await readdir(path, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && FEED_FILE.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .sort();
    const texts: FeedText[] = [];
    for (const file of entries) {
      const name = `${location.replace(/[\\/]+$/, "")}/${relative(path, file).split(sep).join("/")}`;
      texts.push({ feed: location, source: name, text: await this.readCapped(file, name) });
    }
    return texts;
  }

  async readDataFile(location: string, flag: string): Promise<{ source: string; text: string }> {
    const path = resolve(this.cwd, location);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile())
      throw new OperationalError(`${location}: no such file. Check the path given to ${flag}.`);
    return { source: location, text: await this.readCapped(path, location) };
  }

  private async readCapped(path: string, name: string): Promise<string> {
    const max = this.options.maxBytes ?? FEED_MAX_BYTES;
    const info = await stat(path);
    if (info.size > max) throw tooLarge(name, max);
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      throw new OperationalError(
        `${name}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Fix its permissions.`,
      );
    }
  }

  private async fetchText(location: string): Promise<FeedText> {
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw new UsageError(`--feed \`${location}\` is not a valid URL. Write it like https://host/path.`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new UsageError(
        `--feed \`${location}\`: only http and https URLs are fetched, not ${url.protocol}. Give an http(s) URL, a file or a folder.`,
      );
    }
    const timeoutMs = this.options.timeoutMs ?? FEED_TIMEOUT_MS;
    const max = this.options.maxBytes ?? FEED_MAX_BYTES;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: "application/json, application/x-ndjson" },
        redirect: "follow",
      });
    } catch (error) {
      throw new OperationalError(
        `${location}: ${reason(error, timeoutMs)}. Check the URL and the network, then retry.`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new OperationalError(
        `${location}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}, not benchmark results. Check the URL, or retry later.`,
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for await (const chunk of response.body ?? []) {
        total += chunk.byteLength;
        if (total > max) throw tooLarge(location, max);
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof OperationalError) throw error;
      throw new OperationalError(`${location}: ${reason(error, timeoutMs)} while reading the answer. Retry.`);
    }
    return { feed: location, source: location, text: Buffer.concat(chunks).toString("utf8") };
  }
}

function tooLarge(name: string, max: number): OperationalError {
  return new OperationalError(
    `${name}: larger than ${max} bytes. Split the feed, or narrow the query behind the URL.`,
  );
}

function reason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  return `cannot be fetched (${e.cause?.code ?? e.cause?.message ?? e.message ?? String(error)})`;
}
