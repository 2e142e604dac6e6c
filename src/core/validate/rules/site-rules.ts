import type { Problem } from "../../model.js";
import { makeProblem } from "../../problem.js";
import { type Rule, where } from "./context.js";

/** Contacts are identified by e-mail: a second entry for one address would mean two mails. */
export const uniqueContacts: Rule = ({ tree }) => {
  const problems: Problem[] = [];
  for (const site of tree.sites) {
    const seen = new Map<string, number>();
    (site.data.contacts ?? []).forEach((contact, index) => {
      const key = contact.email.toLowerCase();
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, index);
        return;
      }
      const path = ["contacts", index, "email"];
      problems.push(
        makeProblem(
          {
            code: "duplicate-contact",
            file: site.file,
            path,
            message: `${where(site, path)}: contact \`${contact.email}\` is listed twice (also contacts[${first}]). Merge the two entries and list all roles once.`,
          },
          site.locate,
        ),
      );
    });
  }
  return problems;
};

/** `params` dotted keys and `uconfig` are one piece of data in two shapes; they must agree. */
export const paramsMatchUconfig: Rule = ({ tree }) => {
  const problems: Problem[] = [];
  for (const queue of tree.queues) {
    const params = (queue.data.params ?? {}) as Record<string, unknown>;
    const uconfig = queue.data.uconfig as Record<string, unknown> | undefined;
    if (!uconfig) continue;
    for (const [key, value] of Object.entries(params)) {
      if (!key.includes(".")) continue;
      let node: unknown = uconfig;
      for (const part of key.split(".")) {
        node =
          node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
      }
      if (node !== undefined && node !== value) {
        problems.push(
          makeProblem(
            {
              code: "params-uconfig-conflict",
              severity: "warning",
              file: queue.file,
              path: ["params", key],
              message: `${where(queue, ["params", key])}: params \`${key}\` is ${JSON.stringify(value)} but uconfig says ${JSON.stringify(node)}. Keep one value (PanDA reads both).`,
            },
            queue.locate,
          ),
        );
      }
    }
  }
  return problems;
};
