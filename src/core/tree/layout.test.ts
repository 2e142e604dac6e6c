import { describe, expect, it } from "vitest";
import { classifyPath } from "./layout.js";

describe("classifyPath", () => {
  it.each([
    ["sites/US/AGLT2/queues/AGLT2.yaml", { kind: "queue", cloud: "US", site: "AGLT2", queue: "AGLT2" }],
    ["sites/US/AGLT2/site.yaml", { kind: "site", cloud: "US", site: "AGLT2" }],
    ["sites/US/cloud.yaml", { kind: "cloud", cloud: "US" }],
    ["sites/US/AGLT2/README.md", { kind: "documentation" }],
    // Odd names still get the layout's answer, whichever way they are classified.
    ["sites/US//queues/X.yaml", { kind: "queue", cloud: "US", site: "", queue: "X" }],
    ["sites/US/AGLT2/queues/.yaml", { kind: "queue", cloud: "US", site: "AGLT2", queue: "" }],
  ])("%s", (path, expected) => {
    expect(classifyPath(path)).toEqual(expected);
  });

  it.each([
    "sites/XX/AGLT2/queues/AGLT2.yaml",
    "sites/US/AGLT2/queues/AGLT2.yml",
    "sites/US/AGLT2/queues/sub/AGLT2.yaml",
    "sites/US/AGLT2/queue/AGLT2.yaml",
    "other/US/AGLT2/queues/AGLT2.yaml",
  ])("%s is not part of the layout", (path) => {
    expect(classifyPath(path).kind).toBe("unexpected");
  });
});
