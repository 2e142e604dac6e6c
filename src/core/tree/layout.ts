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

/** `sites/<CLOUD>/<SITE>/queues/<PQ>.yaml` with a known cloud and non-empty names, else undefined. */
function classifyQueuePath(path: string): LayoutEntry | undefined {
  if (!path.startsWith("sites/") || !path.endsWith(".yaml")) return undefined;
  const cloudEnd = path.indexOf("/", 6);
  const siteEnd = cloudEnd < 0 ? -1 : path.indexOf("/", cloudEnd + 1);
  if (siteEnd <= cloudEnd + 1 || !path.startsWith("/queues/", siteEnd)) return undefined;
  const fileStart = siteEnd + 8;
  if (path.indexOf("/", fileStart) >= 0 || path.length - fileStart <= 5) return undefined;
  const cloud = path.slice(6, cloudEnd);
  if (!CLOUD_SET.has(cloud)) return undefined;
  return { kind: "queue", cloud, site: path.slice(cloudEnd + 1, siteEnd), queue: path.slice(fileStart, -5) };
}

/**
 * Classifies a path under `sites/` by the layout contract:
 * `sites/<CLOUD>/cloud.yaml`, `sites/<CLOUD>/<SITE>/site.yaml`, `sites/<CLOUD>/<SITE>/queues/<PQ>.yaml`.
 */
export function classifyPath(path: string): LayoutEntry {
  // The common case first, without splitting or regular expressions: trees hold thousands of queue files.
  const quick = classifyQueuePath(path);
  if (quick) return quick;
  const parts = path.split("/");
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
