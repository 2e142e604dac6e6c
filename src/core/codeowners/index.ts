/** CODEOWNERS for siteops: generate from the tree, parse, match as GitHub does, lint. Pure. */
export {
  buildCodeowners,
  type CloudOwnership,
  type OwnershipMap,
  ownershipFromTree,
  renderCodeowners,
  type SiteOwnership,
  siteLineOwners,
  TOOL_PATTERNS,
} from "./generate.js";
export {
  type LintInput,
  lintCodeowners,
  lintOwners,
  MAX_CODEOWNERS_BYTES,
  type OwnerLookup,
} from "./lint.js";
export { codeownersLookup } from "./lookup.js";
export {
  type CodeownersRule,
  type CompiledPattern,
  compilePattern,
  lastMatch,
  normalizePath,
  ownersOf,
  patternCovers,
  patternMatches,
} from "./match.js";
export {
  CODEOWNERS_FILE,
  OTHER_CODEOWNERS_FILES,
  type OwnerKind,
  ownerKind,
  type ParsedCodeowners,
  parseCodeowners,
} from "./parse.js";
export { compareCodeowners, type Staleness } from "./stale.js";
