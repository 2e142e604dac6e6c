import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyPath } from "../tree/layout.js";
import { TreeIndex } from "./tree-index.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");

/** The bundled tree's listing plus paths at the edges of the layout, sorted as git lists them. */
function listing(): string[] {
  const bundled = execFileSync("git", ["ls-files", "sites"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  const odd = [
    "sites/US//queues/x.yaml",
    "sites/XX/S/queues/a.yaml",
    "sites/US/S/queues/.yaml",
    "sites/US/S/queues/sub/a.yaml",
    "sites/US/S/queues/a.yml",
    "sites/US/S/queues/Agl.yaml",
    "sites/US/S/queues/AGL.yaml",
    "sites/US/S/queues/agl.yaml",
    "sites/US/S/site.yaml",
    "sites/US/S/notes.md",
    "sites/US/cloud.yaml",
    "sites/README.md",
    "sites/queues/x.yaml",
  ];
  return [...new Set([...bundled, ...odd])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe("the file-name index of a pull request's tree", () => {
  // Binary searches and text searches stand in for classifying every path: each answer is
  // compared with classifying every path of a listing that has the layout's edge cases.
  const paths = listing();

  it("lists exactly the files the layout calls queues, with their names", () => {
    const expected = paths.flatMap((path) => {
      const entry = classifyPath(path);
      return entry.kind === "queue" ? [{ path, name: entry.queue }] : [];
    });

    const found = new TreeIndex(paths).queueFiles.map(({ path, name }) => ({ path, name }));

    expect(found).toEqual(expected);
    expect(found.length).toBeGreaterThan(150);
  });

  it("knows the same site files and paths as classifying every path", () => {
    const entries = paths.map((path) => ({ path, entry: classifyPath(path) }));
    const index = new TreeIndex(paths);
    const sites = new Set(
      entries.flatMap(({ entry }) =>
        entry.kind === "site" || entry.kind === "queue" ? [`${entry.cloud}/${entry.site}`] : [],
      ),
    );

    expect(index.allSiteFiles()).toEqual(entries.filter((e) => e.entry.kind === "site").map((e) => e.path));
    for (const folder of sites) {
      const [cloud, site] = folder.split("/") as [string, string];
      expect(index.queuesOfSiteFolder(cloud, site), folder).toEqual(
        entries
          .filter((e) => e.entry.kind === "queue" && e.path.startsWith(`sites/${folder}/queues/`))
          .map((e) => e.path),
      );
      const siteFile = entries.find((e) => e.entry.kind === "site" && e.entry.site === site)?.path;
      expect(index.siteFile(site), site).toBe(siteFile);
    }
    for (const path of [
      ...paths,
      "sites/US/S/queues/b.yaml",
      "sites/A",
      "a",
      "sites/US/S/queues/agl.yam",
      "",
    ]) {
      expect(index.has(path), path).toBe(paths.includes(path));
    }
    expect(index.pathsStartingWith("sites/US/S/")).toEqual(paths.filter((p) => p.startsWith("sites/US/S/")));
  });

  it("finds the folders that need a cloud.yaml or site.yaml among those a change touched", () => {
    // Folders holding objects, from classifying every path of a listing.
    const containersOf = (listing: readonly string[], changed: readonly string[]) => {
      const touched = changed.map(classifyPath);
      const cloudFolders = new Set<string>();
      const siteFolders = new Set<string>();
      for (const entry of listing.map(classifyPath)) {
        if (entry.kind !== "cloud" && entry.kind !== "site" && entry.kind !== "queue") continue;
        if (
          touched.some(
            (t) => (t.kind === "cloud" || t.kind === "site" || t.kind === "queue") && t.cloud === entry.cloud,
          )
        )
          cloudFolders.add(entry.cloud);
        if (
          entry.kind !== "cloud" &&
          touched.some(
            (t) =>
              (t.kind === "site" || t.kind === "queue") && t.cloud === entry.cloud && t.site === entry.site,
          )
        )
          siteFolders.add(`${entry.cloud}/${entry.site}`);
      }
      return { cloudFolders, siteFolders };
    };
    const deleted = ["sites/US/S/site.yaml", "sites/US/cloud.yaml", "sites/DE/GONE/site.yaml"];
    const listing = paths.filter((path) => !deleted.includes(path));
    const index = new TreeIndex(listing);

    for (const changed of [paths, deleted, ["sites/US/S/queues/agl.yaml"], ["sites/README.md"], []]) {
      expect(index.containers(changed), changed.slice(0, 3).join()).toEqual(containersOf(listing, changed));
    }
    expect(index.containers(deleted).siteFolders).toEqual(new Set(["US/S"]));
  });

  it("finds queues named alike without case, one name at a time or many in one search", () => {
    const names = [
      "agl",
      "AGLT2",
      "aglt2",
      "CERN-PROD_UCORE",
      "nothing",
      "",
      "a.b",
      "x|y",
      "(",
      ...paths.slice(0, 80),
    ];
    const expected = (name: string) =>
      paths.filter((path) => {
        const entry = classifyPath(path);
        return entry.kind === "queue" && entry.queue.toLowerCase() === name.toLowerCase();
      });
    const oneByOne = new TreeIndex(paths);
    const batched = new TreeIndex(paths);
    batched.prefetchQueueNames(names);

    for (const name of names) {
      expect(oneByOne.queuesNamedLike(name), name).toEqual(expected(name));
      expect(batched.queuesNamedLike(name), name).toEqual(expected(name));
    }
    expect(batched.queuesNamedLike("AGL")).toEqual([
      "sites/US/S/queues/AGL.yaml",
      "sites/US/S/queues/Agl.yaml",
      "sites/US/S/queues/agl.yaml",
    ]);
    expect(batched.queueFile("Agl")).toBe("sites/US/S/queues/Agl.yaml");
  });

  it("finds them too where lower case maps letters outside ASCII onto ASCII or onto two letters", () => {
    // "İ" is two characters in lower case and the Kelvin sign is "k": a case-blind search of the
    // text would miss them, so names are compared as `toLowerCase` gives them.
    const odd = ["sites/US/S/queues/Ab.yaml", "sites/US/S/queues/İX.yaml", "sites/US/S/queues/\u212Ax.yaml"];
    const index = new TreeIndex([...paths, ...odd].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    expect(index.queuesNamedLike("AB")).toEqual(["sites/US/S/queues/Ab.yaml"]);
    expect(index.queuesNamedLike("i̇x")).toEqual(["sites/US/S/queues/İX.yaml"]);
    expect(index.queuesNamedLike("KX")).toEqual(["sites/US/S/queues/\u212Ax.yaml"]);
  });
});
