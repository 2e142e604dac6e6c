import type { Locator, Problem, Severity } from "./model.js";

/** Renders a field path as users write it: `queues[2].ce_endpoint`, `params["a.b"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export interface ProblemInput {
  code: string;
  severity?: Severity;
  file: string;
  path?: readonly (string | number)[];
  /** Point at the key of `path` rather than its value (unknown or misplaced keys). */
  target?: "key" | "value";
  message: string;
}

/** Builds a Problem, resolving its position through the file's locator (line 1 when there is none). */
export function makeProblem(input: ProblemInput, locate?: Locator): Problem {
  const path = input.path ?? [];
  const position = locate ? locate(path, input.target ?? "value") : { line: 1, column: 1 };
  return {
    code: input.code,
    severity: input.severity ?? "error",
    file: input.file,
    line: position.line,
    column: position.column,
    path: formatPath(path),
    message: input.message,
  };
}

/** Orders problems for output: by file, then line, column and code. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}
