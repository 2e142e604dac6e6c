import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDump } from "../../src/adapters/cric-fetch.js";
import { AGLT2_2026, cric, snapshot, withEmptyRepo } from "./helpers.js";

/** A local stand-in for the CRIC API: the dump, a failing endpoint, and one that never answers. */
let server: Server;
let base: string;

beforeAll(async () => {
  const dump = await readFile(AGLT2_2026);
  server = createServer((request, response) => {
    if (request.url === "/api/atlas/pandaqueue/query/?json") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(dump);
    } else if (request.url === "/big") {
      // No content-length: the cap must count the bytes as they arrive.
      response.writeHead(200, { "content-type": "application/json" });
      response.write(" ".repeat(4096));
      response.end("{}");
    } else if (request.url === "/hang") {
      response.writeHead(200, { "content-type": "application/json" });
      response.write("{");
    } else if (request.url === "/fail") {
      response.writeHead(500, { "content-type": "text/plain" });
      response.end("database unavailable");
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A port on 127.0.0.1 where nothing listens: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("siteops cric drift --live URL", { timeout: 60_000 }, () => {
  it("fetches the dump over HTTP and reports no drift for the repository imported from it", async () => {
    await withEmptyRepo(async (dir) => {
      expect((await cric(["import", "--pandaqueues", AGLT2_2026], dir)).code).toBe(0);
      const result = await cric(
        ["drift", "--live", `${base}/api/atlas/pandaqueue/query/?json`, "--format", "json"],
        dir,
      );
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toMatchObject({ changes: [] });
      expect(result.code).toBe(0);
    });
  });

  it("an HTTP 500 answer is an error (exit 2) that names the status", async () => {
    await withEmptyRepo(async (dir) => {
      expect((await cric(["import", "--pandaqueues", AGLT2_2026], dir)).code).toBe(0);
      const before = await snapshot(dir);
      const result = await cric(["drift", "--live", `${base}/fail`], dir);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(
        `siteops: ${base}/fail: the server answered HTTP 500 Internal Server Error, not the dump. Check the URL, or retry later if the server is failing.`,
      );
      expect(await snapshot(dir)).toEqual(before);
    });
  });

  it("a refused connection is an error (exit 2) that says so", async () => {
    await withEmptyRepo(async (dir) => {
      expect((await cric(["import", "--pandaqueues", AGLT2_2026], dir)).code).toBe(0);
      const url = `http://127.0.0.1:${await closedPort()}/api/atlas/pandaqueue/query/?json`;
      const result = await cric(["drift", "--live", url], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `siteops: ${url}: connection refused (nothing listens at that address and port). Check the URL and the network, then retry.`,
      );
    });
  });

  it("only http and https are fetched", async () => {
    await withEmptyRepo(async (dir) => {
      expect((await cric(["import", "--pandaqueues", AGLT2_2026], dir)).code).toBe(0);
      const result = await cric(["drift", "--live", "ftp://127.0.0.1/dump.json"], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("only http and https URLs are fetched, not ftp:");
    });
  });
});

describe("readDump over HTTP: limits", () => {
  const options = { cwd: "/", flag: "--live" };

  it("stops reading past the size cap, even without a content-length", async () => {
    await expect(readDump(`${base}/big`, { ...options, maxBytes: 1024 })).rejects.toThrow(
      `${base}/big: larger than 1024 bytes; a CRIC dump is a few MB. Check that it is the right file or URL.`,
    );
  });

  it("gives up after the timeout", async () => {
    await expect(readDump(`${base}/hang`, { ...options, timeoutMs: 300 })).rejects.toThrow(
      `${base}/hang: no complete answer within 0.3 s`,
    );
  });
});
