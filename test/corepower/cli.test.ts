/**
 * `corepowerCommand` on a copy of the bundled repository: the dry-run JSON contract, `--write`, feeds
 * from a folder, a file and a URL, declared hardware, and usage errors.
 */

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsConfigSource } from "../../src/adapters/fs-source.js";
import { FsSchemaSource } from "../../src/adapters/schemas-fs.js";
import { validateRepository } from "../../src/app/validate.js";
import { corepowerCommand } from "../../src/cli/commands/corepower.js";
import { OperationalError, UsageError } from "../../src/core/errors.js";
import { bundledRepoCopy, git } from "../helpers/repo.js";
import { fakeIo, series } from "./helpers.js";

const SLOW = 60_000;
let repo: { dir: string; cleanup: () => Promise<void> };
let scratch: string;
let feed: string;

beforeAll(async () => {
  repo = await bundledRepoCopy();
  scratch = await mkdtemp(join(tmpdir(), "siteops-corepower-cli-"));
  feed = join(scratch, "results.jsonl");
  const docs = [
    ...series("AGLT2", 14.8, 6),
    ...series("IFAE", 13.9, 6),
    ...series("MWT2", 13.9, 6),
    ...series("UNKNOWN-RC", 14, 2),
  ];
  await writeFile(feed, `${docs.map((d) => JSON.stringify(d)).join("\n")}\n`);
}, SLOW);

afterAll(async () => {
  await repo?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = fakeIo(repo.dir);
  const code = await corepowerCommand(args, io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

describe("siteops corepower --dry-run --format json", () => {
  it(
    "prints exactly the proposals and skip counts, and writes nothing",
    async () => {
      const { code, stdout } = await run(["--feed", feed, "--dry-run", "--format", "json"]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        proposals: [
          {
            cloud: "ES",
            site: "IFAE",
            queue: "ANALY_IFAE",
            field: "corepower",
            before: 12.85,
            after: 13.9,
            samples: 6,
          },
          {
            cloud: "ES",
            site: "IFAE",
            queue: "IFAE_UCORE",
            field: "corepower",
            before: 12.85,
            after: 13.9,
            samples: 6,
          },
          { cloud: "US", site: "AGLT2", field: "corepower", before: 13.87, after: 14.8, samples: 6 },
        ],
        skipped: [{ reason: "unknown-site", count: 2 }],
      });
      expect(await git(repo.dir, "status", "--porcelain")).toBe("");
    },
    SLOW,
  );

  it(
    "text says what is proposed, held back and skipped, with an example of each skip",
    async () => {
      const { stdout } = await run(["--feed", feed]);
      expect(stdout).toContain("corepower: 3 proposals, 0 expired pins, 1 held back, 2 records skipped");
      expect(stdout).toMatch(
        /US\s+AGLT2\s+queue_defaults\.corepower\s+13\.87 -> 14\.8 \(\+6\.7 %, 6 samples\)/,
      );
      expect(stdout).toMatch(/MWT2\s+below-threshold: 13\.88 -> 13\.9 is \+0\.1 %, below the 5 % threshold/);
      expect(stdout).toContain(
        `unknown-site             2  e.g. ${feed}:19: site UNKNOWN-RC is no site's rc_site, gocname or name`,
      );
    },
    SLOW,
  );
});

describe("siteops corepower --write", () => {
  it(
    "changes only the corepower lines of the working tree, and the tree still validates",
    async () => {
      const { code, stdout } = await run(["--feed", feed, "--write"]);
      expect(code).toBe(0);
      expect(stdout).toContain(
        "Written:\n  sites/ES/IFAE/queues/ANALY_IFAE.yaml\n  sites/ES/IFAE/queues/IFAE_UCORE.yaml\n  sites/US/AGLT2/site.yaml\n",
      );
      const diff = await git(repo.dir, "diff", "--unified=0");
      const changed = diff.split("\n").filter((l) => /^[-+](?![-+]{2} )/.test(l));
      expect(changed).toEqual([
        "-corepower: 12.85",
        "+corepower: 13.9",
        "-corepower: 12.85",
        "+corepower: 13.9",
        "-  corepower: 13.87",
        "+  corepower: 14.8",
      ]);
      const report = await validateRepository({
        source: new FsConfigSource(repo.dir),
        schemas: new FsSchemaSource(),
      });
      expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);

      // Applied values are current now: a second run proposes nothing.
      const again = await run(["--feed", feed, "--dry-run", "--format", "json"]);
      expect(JSON.parse(again.stdout).proposals).toEqual([]);
      await git(repo.dir, "checkout", "-q", "--", ".");
    },
    SLOW,
  );
});

describe("feeds and declared hardware", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const body = series("AGLT2", 14.8, 6)
      .map((d) => JSON.stringify(d))
      .join("\n");
    server = createServer((req, res) => {
      if (req.url === "/results") res.writeHead(200, { "content-type": "application/x-ndjson" }).end(body);
      else res.writeHead(404).end("no");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });

  it(
    "reads results from an http URL",
    async () => {
      const { stdout } = await run(["--feed", `${url}/results`, "--format", "json"]);
      expect(JSON.parse(stdout).proposals).toMatchObject([{ site: "AGLT2", after: 14.8 }]);
    },
    SLOW,
  );

  it(
    "a URL that does not answer with results is an operational error naming it",
    async () => {
      await expect(run(["--feed", `${url}/missing`])).rejects.toThrow(
        new OperationalError(
          `${url}/missing: the server answered HTTP 404 Not Found, not benchmark results. Check the URL, or retry later.`,
        ),
      );
      await expect(run(["--feed", join(scratch, "nope")])).rejects.toThrow(OperationalError);
    },
    SLOW,
  );

  it(
    "estimates a site from its declared CPU models and a scores table",
    async () => {
      const hardware = join(scratch, "hardware.yaml");
      const scores = join(scratch, "scores.yaml");
      await writeFile(
        hardware,
        "MWT2:\n  - {cpu_model: AMD EPYC 7742 64-Core Processor, cores: 2048}\n  - {cpu_model: AMD EPYC 9654 96-Core Processor, cores: 4096}\n",
      );
      await writeFile(
        scores,
        '"AMD EPYC 7742 64-Core Processor": 11.6\n"AMD EPYC 9654 96-Core Processor": 17.2\n',
      );
      const { stdout } = await run(["--hardware", hardware, "--scores", scores, "--format", "json"]);
      expect(JSON.parse(stdout).proposals).toEqual([
        { cloud: "US", site: "MWT2", field: "corepower", before: 13.88, after: 15.33, samples: 2 },
      ]);
    },
    SLOW,
  );
});

describe("hardware declared in site.yaml", () => {
  it(
    "estimates a site from the hardware its site.yaml declares, with only a scores table",
    async () => {
      const siteFile = join(repo.dir, "sites/US/MWT2/site.yaml");
      const before = await readFile(siteFile, "utf8");
      await writeFile(
        siteFile,
        `${before}hardware:\n  - cpu_model: AMD EPYC 7742 64-Core Processor\n    cores: 2048\n  - cpu_model: AMD EPYC 9654 96-Core Processor\n    cores: 4096\n`,
      );
      const scores = join(scratch, "scores-only.yaml");
      await writeFile(
        scores,
        '"AMD EPYC 7742 64-Core Processor": 11.6\n"AMD EPYC 9654 96-Core Processor": 17.2\n',
      );
      try {
        const report = await validateRepository({
          source: new FsConfigSource(repo.dir),
          schemas: new FsSchemaSource(),
        });
        const { stdout } = await run(["--scores", scores, "--format", "json"]);
        expect(report.problems).toEqual([]);
        expect(JSON.parse(stdout).proposals).toEqual([
          { cloud: "US", site: "MWT2", field: "corepower", before: 13.88, after: 15.33, samples: 2 },
        ]);
      } finally {
        await writeFile(siteFile, before);
      }
    },
    SLOW,
  );
});

describe("usage errors", () => {
  it.each([
    [[], "give at least one --feed"],
    [["--feed", "x", "--write", "--open-prs"], "give one of --dry-run, --write and --open-prs."],
    [["--feed", "x", "--hardware", "h.yaml"], "--hardware needs --scores"],
    [["--hardware", "h.yaml"], "--hardware needs --scores"],
    [["--feed", "x", "--format", "yaml"], "--format must be one of text, json, not `yaml`."],
    [["--feed", "x", "--open-prs"], "--open-prs needs GITHUB_TOKEN and GITHUB_REPOSITORY"],
  ])("%j", async (args, message) => {
    const error = await run(args as string[]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });
});
