import type { Problem } from "../model.js";
import { sortProblems } from "../problem.js";
import { type CodeownersRule, lastMatch, patternCovers } from "./match.js";
import { CODEOWNERS_FILE, ownerKind, type ParsedCodeowners, parseCodeowners } from "./parse.js";

/**
 * GitHub does not load a CODEOWNERS file of 3 MB or more (no owners, no review requests). "MB" is
 * not defined further, so siteops takes the smaller reading: 3,000,000 bytes.
 */
export const MAX_CODEOWNERS_BYTES = 3_000_000;

export interface LintInput {
  /** The CODEOWNERS text. */
  text: string;
  /** Its path in the repository, for messages (default `.github/CODEOWNERS`). */
  file?: string;
  /** Repository paths that must have owners, e.g. every file under `sites/`. */
  mustBeOwned?: readonly string[];
  /** The file's size in bytes when known; default: the UTF-8 length of `text`. */
  size?: number;
  /** The text already parsed, to avoid parsing twice. */
  parsed?: ParsedCodeowners;
}

/** Static checks of a CODEOWNERS file: syntax, size, shadowed rules and files without owners. */
export function lintCodeowners(input: LintInput): Problem[] {
  const file = input.file ?? CODEOWNERS_FILE;
  const parsed = input.parsed ?? parseCodeowners(input.text, file);
  const problems: Problem[] = [...parsed.problems];
  const at = (line: number, code: string, message: string): Problem => ({
    code,
    severity: "error",
    file,
    line,
    column: 1,
    path: "",
    message: `${file}:${line}:1: ${message}`,
  });
  const size = input.size ?? new TextEncoder().encode(input.text).length;
  if (size >= MAX_CODEOWNERS_BYTES) {
    problems.push({
      ...at(1, "codeowners-too-large", ""),
      message: `${file}: has ${size} bytes, at or above GitHub's limit of 3 MB (taken as ${MAX_CODEOWNERS_BYTES} bytes), so GitHub ignores the whole file and requests no reviews. Use folder patterns instead of one line per file.`,
    });
  }
  problems.push(...shadowedRules(parsed.rules, at));
  for (const path of input.mustBeOwned ?? []) {
    const rule = lastMatch(path, parsed.rules);
    if (rule && rule.owners.length > 0) continue;
    const why = rule ? `line ${rule.line} \`${rule.pattern}\` has no owners` : "no rule matches it";
    problems.push({
      code: "codeowners-unowned",
      severity: "error",
      file: path,
      line: 1,
      column: 1,
      path: "",
      message: `${path}: has no owner in ${file} (${why}), so GitHub requests no review for changes to it. Run \`npx siteops codeowners --write\`, or add a rule with owners for it.`,
    });
  }
  return sortProblems(problems);
}

/** Rules that never apply because a later rule matches every file they match (GitHub: last match wins). */
function shadowedRules(
  rules: readonly CodeownersRule[],
  at: (line: number, code: string, message: string) => Problem,
): Problem[] {
  const problems: Problem[] = [];
  const valid = rules.filter((r) => r.valid);
  valid.forEach((rule, i) => {
    const later = valid.slice(i + 1).find((other) => patternCovers(other.compiled, rule.compiled));
    if (!later) return;
    const same = later.compiled.regex.source === rule.compiled.regex.source;
    problems.push(
      same
        ? at(
            rule.line,
            "codeowners-duplicate",
            `\`${rule.pattern}\` matches the same files as line ${later.line} \`${later.pattern}\`; GitHub uses only the later line, so this line's owners never apply. Put all owners on one line and delete the other.`,
          )
        : at(
            rule.line,
            "codeowners-shadowed",
            `\`${rule.pattern}\` never applies: line ${later.line} \`${later.pattern}\` matches every file it matches, and GitHub uses only the last matching line. Move this line below line ${later.line}, or delete it.`,
          ),
    );
  });
  return problems;
}

/** What siteops may ask the code host about owners (a subset of the CodeHost port). */
export interface OwnerLookup {
  userExists?(login: string): Promise<boolean>;
  teamMembers?(org: string, team: string): Promise<string[]>;
}

/**
 * Checks that each owner exists: users through `userExists`, teams through `teamMembers` (a team
 * that cannot be found answers with an error whose `status` is 404). When the host cannot be
 * asked (no lookup, no token, no permission), the check is skipped with a note instead of a problem.
 * E-mail owners cannot be checked; write access is not checked (GitHub drops such owners silently).
 */
export async function lintOwners(
  rules: readonly CodeownersRule[],
  lookup: OwnerLookup | undefined,
  file: string = CODEOWNERS_FILE,
): Promise<{ problems: Problem[]; notes: string[] }> {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const firstLine = new Map<string, number>();
  for (const rule of rules)
    for (const owner of rule.owners) if (!firstLine.has(owner)) firstLine.set(owner, rule.line);
  const owners = [...firstLine.keys()];
  const problem = (owner: string, severity: Problem["severity"], what: string, fix: string) => {
    const line = firstLine.get(owner) ?? 1;
    problems.push({
      code: "codeowners-unknown-owner",
      severity,
      file,
      line,
      column: 1,
      path: "",
      message: `${file}:${line}:1: owner \`${owner}\` ${what}. ${fix}`,
    });
  };
  const cannotAsk = (what: string, error?: unknown) =>
    notes.push(
      `${what} not checked against GitHub: ${error === undefined ? "no GitHub access in this run" : `GitHub could not be asked (${error instanceof Error ? error.message : String(error)})`}.`,
    );
  const users = owners.filter((o) => ownerKind(o) === "user");
  const teams = owners.filter((o) => ownerKind(o) === "team");
  if (owners.some((o) => ownerKind(o) === "email"))
    notes.push("e-mail owners are not checked (GitHub maps them to users by verified e-mail).");
  if (!lookup?.userExists && !lookup?.teamMembers) {
    if (users.length + teams.length > 0) cannotAsk("owners");
    return { problems, notes };
  }
  if (users.length > 0 && !lookup.userExists) cannotAsk("users");
  else if (lookup.userExists) {
    for (const user of users) {
      let exists: boolean;
      try {
        exists = await lookup.userExists(user.slice(1));
      } catch (error) {
        cannotAsk("users", error);
        break;
      }
      if (!exists)
        problem(
          user,
          "error",
          "does not exist on GitHub, so GitHub ignores it",
          "Fix the login in the site.yaml or cloud.yaml that lists it, then run `npx siteops codeowners --write`",
        );
    }
  }
  if (teams.length > 0 && !lookup.teamMembers) cannotAsk("teams");
  else if (lookup.teamMembers) {
    for (const team of teams) {
      const [org = "", slug = ""] = team.slice(1).split("/");
      try {
        const members = await lookup.teamMembers(org, slug);
        if (members.length === 0)
          problem(
            team,
            "warning",
            "is a team without members, so nobody in it can approve",
            "Add members to the team, or list other owners",
          );
      } catch (error) {
        if ((error as { status?: unknown }).status === 404) {
          problem(
            team,
            "error",
            "is not a team GitHub can find (or it is secret), so GitHub ignores it",
            "Fix the team name, make the team visible and give it write access",
          );
          continue;
        }
        cannotAsk("teams", error);
        break;
      }
    }
  }
  return { problems: sortProblems(problems), notes };
}
