/**
 * Keeps `npm run bench` from rotting: one smoke run (1x tree, one repetition) of the real script.
 * It generates and validates the tree, checks every command's exit code and output, and prints the
 * table; no timing is asserted here (see BENCHMARKS.md for the numbers).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts", "bench", "run.mjs"), "--smoke"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

it("npm run bench --smoke: builds a valid 1x tree, runs every command once and prints the table", async () => {
  const { code, stdout, stderr } = await runSmoke();
  expect(code, stderr).toBe(0);
  expect(stderr).toMatch(/1x: generated 200 sites, 700 queues/);
  expect(stderr).toMatch(/1x: tree valid/);
  const lines = stdout.split("\n");
  expect(lines[0]).toMatch(
    /^size\s+command\s+median\s+min - max\s+x node -e 0\s+CPU \(x node -e 0\)\s+peak RSS/,
  );
  for (const command of [
    "node -e 0",
    "git diff --name-only (PR)",
    "siteops check (PR)",
    "siteops validate",
    "siteops diff (PR)",
    "siteops diff (bulk)",
    "ajv-cli 5 (4 schemas)",
  ]) {
    expect(
      lines.some((line) => line.startsWith("1x") && line.includes(command)),
      command,
    ).toBe(true);
  }
  expect(stdout).toContain("Targets");
  expect(stdout).toContain("validate, full 10x tree: <= 0.5x ajv-cli 5");
}, 600_000);
