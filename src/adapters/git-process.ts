import { execFile } from "node:child_process";
import { OperationalError } from "../core/errors.js";

// Running the git command line tool: the environment it gets, and its failures as messages.

const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

export const FSCK = "Check the repository with `git status` and `git fsck`.";

export const problem = (where: string, what: string, fix: string) =>
  new OperationalError(`${where}: ${what}. ${fix}`);

/** Repository discovery must follow `root`, not variables a git hook may have set for another repository. */
export function gitEnv(): NodeJS.ProcessEnv {
  // No pathspec magic from user input; no index refresh writes (and lock contention) from reads.
  const { GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_PREFIX, ...env } = process.env;
  return { ...env, GIT_LITERAL_PATHSPECS: "1", GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" };
}

export function runGit(
  root: string,
  args: readonly string[],
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const options = { cwd: root, env: gitEnv(), encoding: "buffer", maxBuffer: MAX_OUTPUT_BYTES } as const;
  return new Promise((done, fail) => {
    execFile("git", args, options, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code ?? 0;
      if (typeof code !== "number") fail(startFailure(error as Error, `git ${args[0] ?? ""}`));
      else done({ code, stdout, stderr: stderr.toString("utf8").trim() });
    });
  });
}

export function startFailure(error: Error, command: string): OperationalError {
  if ((error as { code?: unknown }).code === "ENOENT") {
    return problem("git", "not found", "Install git and make sure it is on the PATH.");
  }
  return problem(command, `could not run (${error.message})`, "Check the git installation.");
}

export function firstLine(text: string): string {
  // git may print progress or a `To <remote>` line first: the first line with text says what failed.
  const line = (text.split("\n").find((l) => l.trim() !== "") ?? "").trim().replace(/^(fatal|error): /, "");
  return line.replace(/[.\s]+$/, "") || "no message";
}
