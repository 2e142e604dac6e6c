import { OperationalError, UsageError } from "../core/errors.js";
import type { Problem } from "../core/model.js";
import type { ConfigSource, FileWriter, SchemaSource } from "../core/ports.js";
import { buildQueueFile } from "../core/scaffold.js";
import { closestMatch } from "../core/validate/did-you-mean.js";
import { validateRepository } from "./validate.js";

export interface NewQueueOptions {
  source: ConfigSource & FileWriter;
  schemas: SchemaSource;
  name: string;
  site: string;
  from?: string;
  corepower?: number;
  date: string;
}

export type NewQueueResult =
  | { written: true; path: string }
  | { written: false; path: string; problems: Problem[] };

/**
 * Scaffolds a queue file (fresh, or cloned from an existing queue) and writes it only when the
 * whole tree still validates with it, so a new queue is never committed broken.
 */
export async function createQueue(options: NewQueueOptions): Promise<NewQueueResult> {
  const { tree } = await validateRepository({ source: options.source, schemas: options.schemas });
  const site = tree.sites.find((s) => s.data.name === options.site);
  if (!site) {
    const guess = closestMatch(
      options.site,
      tree.sites.map((s) => s.data.name),
    );
    throw new UsageError(
      `site \`${options.site}\` is not in the tree (or its site.yaml does not validate).${guess ? ` Did you mean \`${guess}\`?` : " Run `siteops validate` to see why."}`,
    );
  }
  const clash = tree.queues.find((q) => q.data.name.toLowerCase() === options.name.toLowerCase());
  if (clash) {
    throw new UsageError(
      `queue name \`${options.name}\` is already used by ${clash.file}. Choose another name.`,
    );
  }
  let from: { text: string; data: (typeof tree.queues)[number]["data"] } | undefined;
  if (options.from !== undefined) {
    const source = tree.queues.find((q) => q.data.name === options.from);
    if (!source) {
      const guess = closestMatch(
        options.from,
        tree.queues.map((q) => q.data.name),
      );
      throw new UsageError(
        `--from queue \`${options.from}\` is not in the tree (or does not validate).${guess ? ` Did you mean \`${guess}\`?` : ""}`,
      );
    }
    from = { text: await options.source.readText(source.file), data: source.data };
  }
  const path = `sites/${site.data.cloud}/${site.data.name}/queues/${options.name}.yaml`;
  if (await options.source.exists(path))
    throw new OperationalError(`${path}: already exists. Choose another name.`);
  const text = buildQueueFile({
    name: options.name,
    site: site.data,
    date: options.date,
    ...(from ? { from } : {}),
    ...(options.corepower !== undefined ? { corepower: options.corepower } : {}),
  });
  const check = await validateRepository({
    source: options.source,
    schemas: options.schemas,
    overlay: new Map([[path, text]]),
  });
  const problems = check.problems.filter((p) => p.file === path && p.severity === "error");
  if (problems.length > 0) return { written: false, path, problems };
  await options.source.write(path, text);
  return { written: true, path };
}
