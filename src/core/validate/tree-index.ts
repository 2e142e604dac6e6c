import { CLOUDS, classifyPath, type LayoutEntry } from "../tree/layout.js";

/** Separates paths in the listing's text; git cannot store a path that contains it. */
const SEP = "\0";
const CLOUDS_IN_ORDER = [...CLOUDS].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * File names of the whole tree, for the questions a pull request's check asks about the files it
 * did not change; in a valid tree file and folder names are the object names. Built for every
 * pull request from a listing of thousands of paths and asked a few dozen questions, this code
 * runs once per process, before the engine has optimised it: a loop over every path cost more
 * than all the questions. So it indexes nothing in a loop of its own: paths go into one `Set`,
 * a site file is found by trying the 12 clouds, and queue names are found by one regular
 * expression over the listing's text per batch of names (`prefetchQueueNames`).
 */
export class TreeIndex {
  private readonly listing: readonly string[];
  private readonly pathSet: ReadonlySet<string>;
  /** `\0<path>\0<path>...\0`, made on the first name search. */
  private text: string | undefined;
  /** Queue files by lower-case name, for the names searched so far. */
  private readonly queuesByLowerName = new Map<string, string[]>();
  private queues: { path: string; name: string }[] | undefined;

  /** `paths`: the listing of `sites/`, sorted by code unit (as `<` compares). */
  constructor(paths: readonly string[]) {
    this.listing = paths;
    this.pathSet = new Set(paths);
  }

  has(path: string): boolean {
    return this.pathSet.has(path);
  }

  /** Queue files whose name equals `name` without regard to case. */
  queuesNamedLike(name: string): string[] {
    const lower = name.toLowerCase();
    if (!this.queuesByLowerName.has(lower)) this.prefetchQueueNames([name]);
    return [...(this.queuesByLowerName.get(lower) ?? [])];
  }

  /** Finds the queue files of many names in one search, for `queuesNamedLike` to answer. */
  prefetchQueueNames(names: Iterable<string>): void {
    const wanted = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      if (!this.queuesByLowerName.has(lower)) wanted.add(lower);
    }
    if (wanted.size === 0) return;
    for (const lower of wanted) this.queuesByLowerName.set(lower, []);
    this.text ??= `${SEP}${this.listing.join(SEP)}${SEP}`;
    const candidates = /[\u0080-\uffff]/.test(this.text)
      ? // Lower case maps some letters outside ASCII onto ASCII (K, Å) or onto two characters
        // (İ): compare every queue's name as `toLowerCase` does.
        this.queueFiles.map((queue) => queue.path)
      : this.searchQueueFiles([...wanted]);
    for (const path of candidates) {
      const entry = classifyPath(path);
      if (entry.kind !== "queue") continue;
      const list = wanted.has(entry.queue.toLowerCase())
        ? this.queuesByLowerName.get(entry.queue.toLowerCase())
        : undefined;
      list?.push(path);
    }
  }

  /** Paths that end in `/queues/<one of the names>.yaml`, without regard to ASCII case. */
  private searchQueueFiles(lowerNames: readonly string[]): string[] {
    const text = this.text!;
    const names = lowerNames.filter((name) => !name.includes(SEP)).map(escapeRegExp);
    if (names.length === 0) return [];
    const pattern = new RegExp(`/queues/(?:${names.join("|")})\\.yaml\\x00`, "gi");
    const found: string[] = [];
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const end = match.index + match[0].length - 1;
      found.push(text.slice(text.lastIndexOf(SEP, match.index) + 1, end));
      pattern.lastIndex = end;
    }
    return found;
  }

  /** The queue file named exactly `name`, if any. */
  queueFile(name: string): string | undefined {
    return this.queuesNamedLike(name).find((path) => path.endsWith(`/queues/${name}.yaml`));
  }

  /** Site files whose folder name equals `name` without regard to case. */
  sitesNamedLike(name: string): string[] {
    const lower = name.toLowerCase();
    return this.allSiteFiles().filter((path) => {
      const entry = classifyPath(path);
      return entry.kind === "site" && entry.site.toLowerCase() === lower;
    });
  }

  /** The site file of the site folder named exactly `name` (the first in listing order), if any. */
  siteFile(name: string): string | undefined {
    for (const cloud of CLOUDS_IN_ORDER) {
      const path = `sites/${cloud}/${name}/site.yaml`;
      if (!this.pathSet.has(path)) continue;
      const entry = classifyPath(path);
      if (entry.kind === "site" && entry.site === name) return path;
    }
    return undefined;
  }

  allSiteFiles(): string[] {
    return this.listing.filter((path) => path.endsWith("/site.yaml") && classifyPath(path).kind === "site");
  }

  /** Paths that start with `prefix`, in listing order. */
  pathsStartingWith(prefix: string): string[] {
    let low = 0;
    let high = this.listing.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.listing[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    const found: string[] = [];
    for (let i = low; i < this.listing.length && this.listing[i]!.startsWith(prefix); i++)
      found.push(this.listing[i]!);
    return found;
  }

  queuesOfSiteFolder(cloud: string, site: string): string[] {
    return this.pathsStartingWith(`sites/${cloud}/${site}/queues/`).filter(
      (path) => classifyPath(path).kind === "queue",
    );
  }

  /** Queue files with their file base names, in listing order (every path is classified). */
  get queueFiles(): readonly { path: string; name: string }[] {
    if (!this.queues) {
      this.queues = [];
      for (const path of this.listing) {
        const entry = classifyPath(path);
        if (entry.kind === "queue") this.queues.push({ path, name: entry.queue });
      }
    }
    return this.queues;
  }

  /** Site files that may declare `endpoint`: every site whose name plus `_` starts it. */
  endpointSiteCandidates(endpoint: string): string[] {
    const found: string[] = [];
    for (let i = endpoint.indexOf("_"); i > 0; i = endpoint.indexOf("_", i + 1)) {
      const file = this.siteFile(endpoint.slice(0, i));
      if (file) found.push(file);
    }
    return found;
  }

  /**
   * The cloud and site folders of the `changed` paths that hold objects at this revision (they
   * need a cloud.yaml, a site.yaml): a change can make a container file missing only in a folder
   * it touched.
   */
  containers(changed: readonly string[]): { cloudFolders: Set<string>; siteFolders: Set<string> } {
    const cloudFolders = new Set<string>();
    const siteFolders = new Set<string>();
    const clouds = new Set<string>();
    const sites = new Map<string, { cloud: string; site: string }>();
    for (const path of changed) {
      const entry = classifyPath(path);
      if (!holdsObject(entry)) continue;
      clouds.add(entry.cloud);
      if (entry.kind !== "cloud") sites.set(`${entry.cloud}/${entry.site}`, entry);
    }
    for (const [folder, { cloud, site }] of sites) {
      if (this.has(`sites/${folder}/site.yaml`) || this.queuesOfSiteFolder(cloud, site).length > 0) {
        siteFolders.add(folder);
        cloudFolders.add(cloud);
      }
    }
    for (const cloud of clouds) {
      if (cloudFolders.has(cloud) || this.has(`sites/${cloud}/cloud.yaml`)) cloudFolders.add(cloud);
      else if (this.pathsStartingWith(`sites/${cloud}/`).some((path) => holdsObject(classifyPath(path))))
        cloudFolders.add(cloud);
    }
    return { cloudFolders, siteFolders };
  }
}

function holdsObject(
  entry: LayoutEntry,
): entry is Extract<LayoutEntry, { kind: "cloud" } | { kind: "site" } | { kind: "queue" }> {
  return entry.kind === "cloud" || entry.kind === "site" || entry.kind === "queue";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
