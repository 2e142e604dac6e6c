/** The 12 ATLAS clouds, the only folder names allowed directly under `sites/`. */
export const CLOUDS = ["CA", "CERN", "DE", "ES", "FR", "IT", "ND", "NL", "RU", "TW", "UK", "US"] as const;

const CLOUD_SET: ReadonlySet<string> = new Set(CLOUDS);

export const SITES_DIR = "sites";
export const CONFIG_FILE = "siteops.config.yaml";

export type LayoutEntry =
  | { kind: "cloud"; cloud: string }
  | { kind: "site"; cloud: string; site: string }
  | { kind: "queue"; cloud: string; site: string; queue: string }
  | { kind: "documentation" }
  | { kind: "unexpected"; message: string };

/**
 * Classifies a path under `sites/` by the layout contract:
 * `sites/<CLOUD>/cloud.yaml`, `sites/<CLOUD>/<SITE>/site.yaml`, `sites/<CLOUD>/<SITE>/queues/<PQ>.yaml`.
 */
export function classifyPath(path: string): LayoutEntry {
  // The common case first, without regular expressions: trees hold thousands of queue files.
  const parts = path.split("/");
  if (parts.length === 5 && parts[0] === SITES_DIR && parts[3] === "queues" && CLOUD_SET.has(parts[1]!)) {
    const file = parts[4]!;
    if (file.endsWith(".yaml") && file.length > 5 && parts[2] !== "")
      return { kind: "queue", cloud: parts[1]!, site: parts[2]!, queue: file.slice(0, -5) };
  }
  if (parts[0] !== SITES_DIR) return { kind: "unexpected", message: "it is outside sites/" };
  const rest = parts.slice(1);
  const last = rest.at(-1) ?? "";
  if (/\.(md|txt)$/i.test(last) && rest.length <= 3) return { kind: "documentation" };
  if (/\.yml$/i.test(last))
    return { kind: "unexpected", message: "siteops reads `.yaml` files only. Rename it to `.yaml`" };
  const [cloud, second, third, fourth] = rest;
  if (cloud === undefined) return { kind: "unexpected", message: "it is not part of the layout" };
  if (!(CLOUDS as readonly string[]).includes(cloud)) {
    return {
      kind: "unexpected",
      message: `\`${cloud}\` is not one of the 12 clouds (${CLOUDS.join(", ")}). Move it under its cloud`,
    };
  }
  if (rest.length === 2 && second === "cloud.yaml") return { kind: "cloud", cloud };
  if (rest.length === 3 && second !== undefined && third === "site.yaml")
    return { kind: "site", cloud, site: second };
  if (rest.length === 4 && second !== undefined && third === "queues" && fourth?.endsWith(".yaml")) {
    return { kind: "queue", cloud, site: second, queue: fourth.slice(0, -".yaml".length) };
  }
  return {
    kind: "unexpected",
    message:
      "it does not fit the layout (sites/<CLOUD>/cloud.yaml, sites/<CLOUD>/<SITE>/site.yaml, sites/<CLOUD>/<SITE>/queues/<QUEUE>.yaml). Move or delete it",
  };
}
