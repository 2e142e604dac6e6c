import type { Rule } from "./context.js";
import { endpointNaming, namesMatchLayout, uniqueNames } from "./naming.js";
import { knownEndpoints, knownParents } from "./references.js";
import {
  catchallSyntax,
  computeElements,
  corepowerDefined,
  himemCoherence,
  tierCoherence,
} from "./resources.js";
import { paramsMatchUconfig, uniqueContacts } from "./site-rules.js";

export type { Rule, RuleContext, RuleSettings } from "./context.js";

/** Rules that judge each object on its own (with the settings): they can run wherever the file is checked. */
export const localRules: readonly Rule[] = [
  namesMatchLayout,
  endpointNaming,
  computeElements,
  himemCoherence,
  tierCoherence,
  catchallSyntax,
  uniqueContacts,
  paramsMatchUconfig,
];

/**
 * Rules that compare objects with each other. They read only the fields `crossRuleFields` keeps,
 * so a tree of those projections gives them the same answers as the whole tree.
 */
export const crossRules: readonly Rule[] = [uniqueNames, knownEndpoints, knownParents, corepowerDefined];

/** Every cross-object rule, run in this order over a tree whose files passed their schemas. */
export const rules: readonly Rule[] = [
  namesMatchLayout,
  uniqueNames,
  endpointNaming,
  knownEndpoints,
  knownParents,
  computeElements,
  himemCoherence,
  corepowerDefined,
  tierCoherence,
  catchallSyntax,
  uniqueContacts,
  paramsMatchUconfig,
];

const QUEUE_FIELDS = ["name", "atlas_site", "parent", "is_virtual", "corepower", "astorages"] as const;

/**
 * What `crossRules` read of an object: names, references and whether corepower is set. Checking
 * thousands of files elsewhere then sends back a few fields per object instead of the whole tree.
 */
export function crossRuleFields(
  kind: "cloud" | "site" | "queue",
  data: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { name: data.name };
  if (kind === "queue") {
    for (const field of QUEUE_FIELDS) if (data[field] !== undefined) out[field] = data[field];
  } else if (kind === "site") {
    if (Array.isArray(data.ddmendpoints)) {
      out.ddmendpoints = data.ddmendpoints.map((d) => ({ name: (d as { name?: unknown }).name }));
    }
    const defaults = data.queue_defaults as Record<string, unknown> | undefined;
    if (defaults !== undefined) {
      out.queue_defaults = defaults.corepower === undefined ? {} : { corepower: defaults.corepower };
    }
  }
  return out;
}
