import type { Problem } from "../../model.js";
import { makeProblem } from "../../problem.js";
import { closestMatch } from "../did-you-mean.js";
import { type Rule, where } from "./context.js";

/** Every DDM endpoint a queue reads from or writes to must be declared by some site. */
export const knownEndpoints: Rule = ({ tree }) => {
  const known = new Set(tree.sites.flatMap((s) => (s.data.ddmendpoints ?? []).map((d) => d.name)));
  const knownList = [...known];
  const problems: Problem[] = [];
  for (const queue of tree.queues) {
    for (const [activity, endpoints] of Object.entries(queue.data.astorages ?? {})) {
      (endpoints ?? []).forEach((name, index) => {
        if (known.has(name) || tree.invalidNames.endpoints.has(name)) return;
        const path = ["astorages", activity, index];
        const guess = closestMatch(name, knownList);
        problems.push(
          makeProblem(
            {
              code: "unknown-ddmendpoint",
              file: queue.file,
              path,
              message: `${where(queue, path)}: DDM endpoint \`${name}\` (astorages.${activity}) is not declared in any site.yaml.${guess ? ` Did you mean \`${guess}\`?` : ""} Fix the name, or add the endpoint to its site's ddmendpoints.`,
            },
            queue.locate,
          ),
        );
      });
    }
  }
  return problems;
};

/** A parent must be an existing (virtual) queue: PanDA groups its children under it. */
export const knownParents: Rule = ({ tree, queueNames }) => {
  const byName = new Map(tree.queues.map((q) => [q.data.name, q]));
  let names: readonly string[] | undefined;
  const allNames = () => {
    names ??= queueNames ? queueNames() : [...byName.keys()];
    return names;
  };
  const problems: Problem[] = [];
  for (const queue of tree.queues) {
    const parentName = queue.data.parent;
    if (parentName === undefined) continue;
    const parent = byName.get(parentName);
    if (!parent && tree.invalidNames.queues.has(parentName)) continue;
    if (parentName === queue.data.name) {
      problems.push(
        makeProblem(
          {
            code: "unknown-parent",
            file: queue.file,
            path: ["parent"],
            message: `${where(queue, ["parent"])}: queue \`${parentName}\` names itself as parent. Remove parent or name its virtual parent queue.`,
          },
          queue.locate,
        ),
      );
    } else if (!parent) {
      const guess = closestMatch(parentName, allNames());
      problems.push(
        makeProblem(
          {
            code: "unknown-parent",
            file: queue.file,
            path: ["parent"],
            message: `${where(queue, ["parent"])}: parent queue \`${parentName}\` does not exist.${guess ? ` Did you mean \`${guess}\`?` : ""} Add sites/<CLOUD>/<SITE>/queues/${parentName}.yaml or fix the name.`,
          },
          queue.locate,
        ),
      );
    } else if (parent.data.is_virtual !== true) {
      problems.push(
        makeProblem(
          {
            code: "parent-not-virtual",
            severity: "warning",
            file: queue.file,
            path: ["parent"],
            message: `${where(queue, ["parent"])}: parent queue \`${parentName}\` (${parent.file}) is not virtual. Set is_virtual: true on it, or choose its virtual parent.`,
          },
          queue.locate,
        ),
      );
    }
  }
  return problems;
};
