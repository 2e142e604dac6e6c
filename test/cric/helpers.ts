import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { FsConfigSource } from "../../src/adapters/fs-source.js";
import { FsSchemaSource } from "../../src/adapters/schemas-fs.js";
import { validateRepository } from "../../src/app/validate.js";
import { cricCommand } from "../../src/cli/commands/cric.js";
import type { CliIo } from "../../src/cli/io.js";
import { OperationalError, UsageError } from "../../src/core/errors.js";
import { PROJECT_ROOT } from "../helpers/repo.js";

/** The shared reference data beside the repository (`../shared/realdata`), as CI lays it out. */
export const REALDATA =
  [join(import.meta.dirname, "..", "..", "..", "shared", "realdata"), "/work/shared/realdata"].find((dir) =>
    existsSync(dir),
  ) ?? join(import.meta.dirname, "..", "..", "..", "shared", "realdata");
export const CERN_2022 = join(REALDATA, "pq_CERN_pilot3_queuedata.json");
export const AGLT2_2026 = join(REALDATA, "pq_AGLT2_fixture_2026.json");

export type Json = Record<string, unknown>;

/** An empty repository: only siteops.config.yaml, as a new configuration repository starts. */
export async function emptyRepo(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "siteops-cric-"));
  await cp(join(PROJECT_ROOT, "siteops.config.yaml"), join(dir, "siteops.config.yaml"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function withEmptyRepo(body: (dir: string) => Promise<void>): Promise<void> {
  const repo = await emptyRepo();
  try {
    await body(repo.dir);
  } finally {
    await repo.cleanup();
  }
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `siteops cric ...` in-process with a fake CliIo. Usage and operational errors become exit
 * code 2 with `siteops: <message>` on stderr, as cli/main.ts does for every command.
 */
export async function cric(
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>> = {},
): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    cwd,
    stdoutIsTty: false,
    stderrIsTty: false,
    now: () => new Date("2026-11-26T00:00:00Z"),
  };
  let code: number;
  try {
    code = await cricCommand(args, io);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof OperationalError)) throw error;
    code = 2;
    stderr += `siteops: ${error.message}\n`;
  }
  return { code, stdout, stderr };
}

/** Every file under dir, relative path -> text (to prove a refused command wrote nothing). */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.set(relative(dir, path), await readFile(path, "utf8"));
    }
  };
  await walk(dir);
  return out;
}

export async function validate(dir: string) {
  return validateRepository({ source: new FsConfigSource(dir), schemas: new FsSchemaSource() });
}

export async function readJson(path: string): Promise<Json> {
  return JSON.parse(await readFile(path, "utf8")) as Json;
}
