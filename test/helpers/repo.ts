import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { copyRepository } from "../../src/adapters/example-tree.js";

const run = promisify(execFile);
export const PROJECT_ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(PROJECT_ROOT, "bin", "siteops.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, in its own process. */
export async function runCli(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "", CI: "", ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd });
  return stdout;
}

/** A real git repository holding a copy of the bundled configuration tree, committed on main. */
export async function bundledRepoCopy(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await copyRepository(PROJECT_ROOT);
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "-c", "user.name=siteops test", "-c", "user.email=test@siteops.invalid", "add", "-A");
  await git(
    dir,
    "-c",
    "user.name=siteops test",
    "-c",
    "user.email=test@siteops.invalid",
    "commit",
    "-qm",
    "bundled tree",
  );
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface JsonReport {
  valid: boolean;
  counts: { clouds: number; sites: number; queues: number; ddmendpoints: number };
  problems: {
    severity: string;
    code: string;
    file: string;
    line: number;
    column: number;
    path: string;
    message: string;
  }[];
}
