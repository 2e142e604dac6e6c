import type { TextStyle } from "../core/render/problems.js";

/** Everything a command may touch of the process: the shell passes the real one, tests their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  now: () => Date;
}

export function processIo(): CliIo {
  // A reader that stops early (`siteops cric export | head`) closes the pipe: that is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    now: () => new Date(),
  };
}

/** ANSI colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(io: CliIo, tty: boolean): TextStyle {
  const on = tty && !io.env.NO_COLOR && io.env.TERM !== "dumb";
  const wrap = (code: number) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { red: wrap(31), yellow: wrap(33), green: wrap(32), dim: wrap(2) };
}
