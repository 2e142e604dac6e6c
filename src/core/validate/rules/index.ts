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
