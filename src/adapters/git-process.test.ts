import { describe, expect, it } from "vitest";
import { firstLine } from "./git-process.js";

describe("the line of git's output quoted in an error", () => {
  it.each([
    [
      "fatal: not a git repository (or any of the parent directories): .git\n",
      "not a git repository (or any of the parent directories): .git",
    ],
    [
      "\nTo https://github.com/o/r.git\n ! [rejected] main -> main (fetch first)\n",
      "To https://github.com/o/r.git",
    ],
    ["  error: failed to push some refs to 'origin'.  \nhint: ...\n", "failed to push some refs to 'origin'"],
    ["", "no message"],
    ["\n \n", "no message"],
  ])("%j gives %j", (output, line) => {
    expect(firstLine(output)).toBe(line);
  });
});
