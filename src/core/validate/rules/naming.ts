import type { Problem } from "../../model.js";
import { makeProblem } from "../../problem.js";
import type { Entry } from "../../tree/tree.js";
import { type Rule, where } from "./context.js";

/** File and folder names are the index of the tree: they must agree with the objects they hold. */
export const namesMatchLayout: Rule = ({ tree }) => {
  const problems: Problem[] = [];
  for (const cloud of tree.clouds) {
    if (cloud.data.name !== cloud.folder) {
      problems.push(
        makeProblem(
          {
            code: "folder-mismatch",
            file: cloud.file,
            path: ["name"],
            message: `${where(cloud, ["name"])}: cloud \`${cloud.data.name}\` is in folder sites/${cloud.folder}/. Set name to \`${cloud.folder}\` or move the file.`,
          },
          cloud.locate,
        ),
      );
    }
  }
  for (const site of tree.sites) {
    if (site.data.name !== site.folder) {
      problems.push(
        makeProblem(
          {
            code: "folder-mismatch",
            file: site.file,
            path: ["name"],
            message: `${where(site, ["name"])}: site \`${site.data.name}\` is in folder ${site.cloudFolder}/${site.folder}/. Set name to \`${site.folder}\` or rename the folder.`,
          },
          site.locate,
        ),
      );
    }
    if (site.data.cloud !== site.cloudFolder) {
      problems.push(
        makeProblem(
          {
            code: "folder-mismatch",
            file: site.file,
            path: ["cloud"],
            message: `${where(site, ["cloud"])}: site is in cloud folder sites/${site.cloudFolder}/ but says cloud \`${site.data.cloud}\`. Set cloud to \`${site.cloudFolder}\` or move the site folder.`,
          },
          site.locate,
        ),
      );
    }
  }
  for (const queue of tree.queues) {
    if (queue.data.name !== queue.fileName) {
      problems.push(
        makeProblem(
          {
            code: "queue-name-mismatch",
            file: queue.file,
            path: ["name"],
            message: `${where(queue, ["name"])}: queue \`${queue.data.name}\` is in file ${queue.fileName}.yaml; the file name must be the queue name. Rename the file to ${queue.data.name}.yaml or set name to \`${queue.fileName}\`.`,
          },
          queue.locate,
        ),
      );
    }
    if (queue.data.cloud !== queue.cloudFolder) {
      problems.push(
        makeProblem(
          {
            code: "folder-mismatch",
            file: queue.file,
            path: ["cloud"],
            message: `${where(queue, ["cloud"])}: queue is under sites/${queue.cloudFolder}/ but says cloud \`${queue.data.cloud}\`. Set cloud to \`${queue.cloudFolder}\` or move the file.`,
          },
          queue.locate,
        ),
      );
    }
    if (queue.data.atlas_site !== queue.siteFolder) {
      problems.push(
        makeProblem(
          {
            code: "folder-mismatch",
            file: queue.file,
            path: ["atlas_site"],
            message: `${where(queue, ["atlas_site"])}: queue is in site folder ${queue.siteFolder}/ but says atlas_site \`${queue.data.atlas_site}\`. Set atlas_site to \`${queue.siteFolder}\` or move the file.`,
          },
          queue.locate,
        ),
      );
    }
  }
  return problems;
};

/** CRIC, PanDA and Rucio compare names without regard to case on several paths: keep them unique that way. */
export const uniqueNames: Rule = ({ tree }) => {
  const problems: Problem[] = [];
  const check = (
    kind: string,
    items: { name: string; entry: Entry<unknown>; path: (string | number)[] }[],
  ) => {
    const seen = new Map<string, { name: string; entry: Entry<unknown>; path: (string | number)[] }>();
    for (const item of items) {
      const key = item.name.toLowerCase();
      const first = seen.get(key);
      if (!first) {
        seen.set(key, item);
        continue;
      }
      const same = first.name === item.name ? "" : ` (\`${first.name}\`; names are compared without case)`;
      problems.push(
        makeProblem(
          {
            code: "duplicate-name",
            file: item.entry.file,
            path: item.path,
            message: `${where(item.entry, item.path)}: ${kind} name \`${item.name}\` is already used at ${where(first.entry, first.path)}${same}. Choose another name or remove one of them.`,
          },
          item.entry.locate,
        ),
      );
    }
  };
  check(
    "site",
    tree.sites.map((s) => ({ name: s.data.name, entry: s, path: ["name"] })),
  );
  check(
    "queue",
    tree.queues.map((q) => ({ name: q.data.name, entry: q, path: ["name"] })),
  );
  check(
    "DDM endpoint",
    tree.sites.flatMap((s) =>
      (s.data.ddmendpoints ?? []).map((d, i) => ({
        name: d.name,
        entry: s,
        path: ["ddmendpoints", i, "name"],
      })),
    ),
  );
  return problems;
};

/** `<ATLAS_SITE>_<TOKEN>` is how Rucio and people find an endpoint's site; a stray name is a likely typo. */
export const endpointNaming: Rule = ({ tree }) => {
  const problems: Problem[] = [];
  for (const site of tree.sites) {
    (site.data.ddmendpoints ?? []).forEach((endpoint, index) => {
      const expected = `${site.data.name}_${endpoint.token}`;
      if (endpoint.name !== expected) {
        const path = ["ddmendpoints", index, "name"];
        problems.push(
          makeProblem(
            {
              code: "ddmendpoint-naming",
              severity: "warning",
              file: site.file,
              path,
              message: `${where(site, path)}: DDM endpoint \`${endpoint.name}\` does not follow \`<ATLAS_SITE>_<TOKEN>\` (expected \`${expected}\`). Rename it, or check the token.`,
            },
            site.locate,
          ),
        );
      }
    });
  }
  return problems;
};
