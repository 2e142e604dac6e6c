import type { Problem } from "../model.js";
import type { ConfigTree } from "../tree/tree.js";
import { CODEOWNERS_FILE, ownerKind } from "./parse.js";

/** Tool and repository files that only the central team approves (patterns, anchored at the root). */
export const TOOL_PATTERNS = [
  "/siteops.config.yaml",
  "/schemas/",
  "/.github/",
  "/src/",
  "/templates/",
] as const;

export interface SiteOwnership {
  folder: string;
  owners: string[];
}

export interface CloudOwnership {
  folder: string;
  owners: string[];
  sites: SiteOwnership[];
}

/** Who owns what, as CODEOWNERS will say it: clouds and their sites sorted by folder name. */
export interface OwnershipMap {
  /** The owners listed in every cloud.yaml (sorted): the fallback for the whole repository. */
  central: string[];
  clouds: CloudOwnership[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedUnique = (items: readonly string[]) => [...new Set(items)].sort(byText);

/**
 * Reads the ownership map from a validated tree. Problems (errors) mean the map is incomplete:
 * a cloud or site without owners, a site without its cloud, or no owner common to every cloud.
 */
export function ownershipFromTree(tree: Pick<ConfigTree, "clouds" | "sites">): {
  map: OwnershipMap;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const problem = (file: string, code: string, message: string) =>
    problems.push({
      code,
      severity: "error",
      file,
      line: 1,
      column: 1,
      path: "",
      message: `${file}: ${message}`,
    });
  const ownersOf = (file: string, owners: unknown): string[] => {
    const list = Array.isArray(owners) ? owners.filter((o): o is string => typeof o === "string") : [];
    const bad = list.filter((o) => ownerKind(o) === undefined);
    for (const owner of bad)
      problem(
        file,
        "codeowners-invalid-owner",
        `owner \`${owner}\` is not a GitHub owner. Write \`@user\` or \`@org/team\`.`,
      );
    const good = sortedUnique(list.filter((o) => ownerKind(o) !== undefined));
    if (good.length === 0)
      problem(
        file,
        "codeowners-no-owners",
        "has no valid owners, so CODEOWNERS cannot name who approves its changes. Add `owners:` with at least one `@org/team` or `@user`, then run `npx siteops codeowners --write`.",
      );
    return good;
  };
  const clouds = new Map<string, CloudOwnership>();
  for (const cloud of [...tree.clouds].sort((a, b) => byText(a.folder, b.folder)))
    clouds.set(cloud.folder, {
      folder: cloud.folder,
      owners: ownersOf(cloud.file, cloud.data.owners),
      sites: [],
    });
  for (const site of [...tree.sites].sort((a, b) => byText(a.folder, b.folder))) {
    const cloud = clouds.get(site.cloudFolder);
    const owners = ownersOf(site.file, site.data.owners);
    if (!cloud) {
      problem(
        site.file,
        "codeowners-no-cloud",
        `its cloud sites/${site.cloudFolder}/cloud.yaml is missing or invalid, so the site's CODEOWNERS line cannot repeat the cloud owners. Fix the cloud file (\`npx siteops validate\`), then run \`npx siteops codeowners --write\`.`,
      );
      continue;
    }
    cloud.sites.push({ folder: site.folder, owners });
  }
  const all = [...clouds.values()];
  const central = all.length
    ? all.map((c) => c.owners).reduce((common, owners) => common.filter((o) => owners.includes(o)))
    : [];
  // Only meaningful when every cloud has owners (a cloud without them is reported above).
  const first = [...tree.clouds].sort((a, b) => byText(a.file, b.file))[0];
  if (central.length === 0 && all.every((c) => c.owners.length > 0))
    problem(
      first?.file ?? "sites",
      "codeowners-no-central-team",
      "no owner is listed in every cloud.yaml, so there is no central team to own the files outside sites/ (the tool, schemas, workflows). Add the central team (e.g. `@atlas-siteops/dpa`) to the owners of every cloud.",
    );
  return { map: { central, clouds: all }, problems };
}

/** Escapes a folder name for a CODEOWNERS pattern (spaces, wildcards, brackets, `#`, `!`, `\`). */
export function escapePatternName(name: string): string {
  return name.replace(/[\s*?[\]\\#!]/g, "\\$&");
}

/** Owners of a site line: the site's, then its cloud's (GitHub does not merge rules, so repeat them). */
export function siteLineOwners(site: SiteOwnership, cloud: CloudOwnership): string[] {
  return [...site.owners, ...cloud.owners.filter((o) => !site.owners.includes(o))];
}

/** Renders the map as CODEOWNERS text; the same map always gives the same bytes. */
export function renderCodeowners(map: OwnershipMap): string {
  const width = Math.max(
    ...TOOL_PATTERNS.map((p) => p.length),
    ...map.clouds.flatMap((c) => [
      `/sites/${escapePatternName(c.folder)}/`.length,
      ...c.sites.map((s) => `/sites/${escapePatternName(c.folder)}/${escapePatternName(s.folder)}/`.length),
    ]),
  );
  const rule = (pattern: string, owners: readonly string[]) => `${pattern.padEnd(width)} ${owners.join(" ")}`;
  const lines = [
    `# ${CODEOWNERS_FILE}: generated by \`siteops codeowners --write\` from the \`owners\` of`,
    "# sites/<CLOUD>/cloud.yaml and sites/<CLOUD>/<SITE>/site.yaml. Do not edit it by hand: change the",
    "# owners in those files, run `npx siteops codeowners --write` and commit both; CI runs",
    "# `siteops codeowners --check`, which fails when this file is stale.",
    "#",
    "# GitHub uses only the last matching line and never merges lines, so each site line repeats the",
    "# owners of its cloud, and the cloud owners can approve changes to every site of their cloud.",
    "",
    "# Fallback for the whole repository: the central team (the owners listed in every cloud.yaml).",
    rule("*", map.central),
    "",
    "# Tool and repository configuration: the central team.",
    ...TOOL_PATTERNS.map((p) => rule(p, map.central)),
  ];
  for (const cloud of map.clouds) {
    const cloudPath = `/sites/${escapePatternName(cloud.folder)}/`;
    lines.push("", `# Cloud ${cloud.folder}: cloud owners; each site: site owners, then cloud owners.`);
    lines.push(rule(cloudPath, cloud.owners));
    for (const site of cloud.sites)
      lines.push(rule(`${cloudPath}${escapePatternName(site.folder)}/`, siteLineOwners(site, cloud)));
  }
  return `${lines.map((l) => l.trimEnd()).join("\n")}\n`;
}

/** The CODEOWNERS text for a tree, with the problems that make it incomplete (refuse to write then). */
export function buildCodeowners(tree: Pick<ConfigTree, "clouds" | "sites">): {
  text: string;
  map: OwnershipMap;
  problems: Problem[];
} {
  const { map, problems } = ownershipFromTree(tree);
  return { text: renderCodeowners(map), map, problems };
}
