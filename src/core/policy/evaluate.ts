import type { FieldChange, ObjectChange } from "../diff/model.js";
import type { PolicyRule, Principal } from "../generated/config.js";
import { matchFieldGlob, matchObjectGlob } from "./globs.js";

/** Who is acting: the pull request's author or an approving reviewer. */
export interface Actor {
  login: string;
  /** How the actor took part, for messages. */
  as: "author" | "approver";
}

/** What the policy needs to know about people; the app resolves it from the tree and GitHub. */
export interface PolicyDirectory {
  /** Owners (`@user` or `@org/team`) of a site and of a cloud, from site.yaml and cloud.yaml. */
  siteOwners(site: string): readonly string[];
  cloudOwners(cloud: string): readonly string[];
  /** Members of `org/team`; undefined when membership cannot be checked (offline). */
  teamMembers(team: string): ReadonlySet<string> | undefined;
}

/** One thing a pull request does that a rule must allow: change a field, or add/remove/move an object. */
export interface PolicyUnit {
  change: ObjectChange;
  field?: FieldChange;
  what: string;
}

export interface UnitVerdict {
  unit: PolicyUnit;
  allowed: boolean;
  /** The actor and rule that allow it. */
  allowedBy?: { actor: Actor; rule: string };
  /** Why the author's own rules do not allow it (when not allowed). */
  reason?: string;
  /** Who could approve instead: owners named by rules that allow this unit. */
  couldApprove: string[];
  /** Team memberships that could not be checked (offline). */
  unverifiable: string[];
}

export function policyUnits(changes: readonly ObjectChange[]): PolicyUnit[] {
  const units: PolicyUnit[] = [];
  for (const change of changes) {
    const label = `${change.kind} ${change.name}`;
    if (change.action === "added" || change.action === "removed" || change.action === "moved") {
      units.push({
        change,
        what: `${change.action === "moved" ? "moving" : change.action === "added" ? "adding" : "removing"} ${label}`,
      });
    }
    if (change.action === "modified" || change.action === "moved") {
      for (const field of change.fields) units.push({ change, field, what: `\`${field.path}\` of ${label}` });
    }
  }
  return units;
}

/** Evaluates every unit of a diff: allowed when a rule matching the author or an approver allows it. */
export function evaluatePolicy(
  units: readonly PolicyUnit[],
  rules: readonly PolicyRule[],
  actors: readonly Actor[],
  directory: PolicyDirectory,
  centralTeam: string,
): UnitVerdict[] {
  return units.map((unit) => {
    const unverifiable = new Set<string>();
    for (const actor of actors) {
      for (const rule of rules) {
        if (!appliesTo(rule, actor.login, unit.change, directory, unverifiable)) continue;
        if (allows(rule, unit) === undefined)
          return {
            unit,
            allowed: true,
            allowedBy: { actor, rule: rule.name },
            couldApprove: [],
            unverifiable: [],
          };
      }
    }
    const author = actors.find((a) => a.as === "author");
    const authorRules = author
      ? rules.filter((r) => appliesTo(r, author.login, unit.change, directory, new Set()))
      : [];
    const reasons = authorRules.map((rule) => `rule \`${rule.name}\` ${allows(rule, unit)}`);
    const reason = author
      ? authorRules.length === 0
        ? `no policy rule applies to @${author.login} here`
        : reasons.join("; ")
      : "no author";
    return {
      unit,
      allowed: false,
      reason,
      couldApprove: approversFor(unit, rules, directory, centralTeam),
      unverifiable: [...unverifiable].sort(),
    };
  });
}

function objectPath(change: ObjectChange): string {
  if (change.kind === "cloud") return change.cloud;
  if (change.kind === "site") return `${change.cloud}/${change.name}`;
  return `${change.cloud}/${change.site ?? "?"}/${change.name}`;
}

function ownersFor(
  principal: Principal,
  change: ObjectChange,
  directory: PolicyDirectory,
): readonly string[] {
  if (principal.role === "site-owners") return change.site ? directory.siteOwners(change.site) : [];
  if (principal.role === "cloud-owners") return directory.cloudOwners(change.cloud);
  return [];
}

/** Whether `login` is (or is in) an owner entry `@user` / `@org/team`. */
export function isOwner(
  login: string,
  owner: string,
  directory: PolicyDirectory,
  unverifiable: Set<string> = new Set(),
): boolean {
  const name = owner.replace(/^@/, "");
  if (!name.includes("/")) return name.toLowerCase() === login.toLowerCase();
  const members = directory.teamMembers(name);
  if (!members) {
    unverifiable.add(name);
    return false;
  }
  return [...members].some((m) => m.toLowerCase() === login.toLowerCase());
}

function appliesTo(
  rule: PolicyRule,
  login: string,
  change: ObjectChange,
  directory: PolicyDirectory,
  unverifiable: Set<string>,
): boolean {
  if (rule.where && !rule.where.some((glob) => matchObjectGlob(glob, objectPath(change)))) return false;
  return rule.who.some((principal) => {
    if (principal.user) return principal.user.toLowerCase() === login.toLowerCase();
    if (principal.bot) return principal.bot.toLowerCase() === login.toLowerCase();
    if (principal.team) return isOwner(login, `@${principal.team}`, directory, unverifiable);
    return ownersFor(principal, change, directory).some((owner) =>
      isOwner(login, owner, directory, unverifiable),
    );
  });
}

/** undefined when the rule allows the unit, else why not (completing "rule `x` ..."). */
function allows(rule: PolicyRule, unit: PolicyUnit): string | undefined {
  const { change, field } = unit;
  if (!field) {
    if (change.action === "added") return rule.may_add ? undefined : "does not allow adding objects";
    return rule.may_remove
      ? undefined
      : `does not allow ${change.action === "moved" ? "moving" : "removing"} objects`;
  }
  if (!rule.may_change.some((glob) => matchFieldGlob(glob, field.path))) {
    return `allows only ${rule.may_change.join(", ")}`;
  }
  if (field.path === "state" && field.after === "DISABLED" && !rule.may_disable)
    return "does not allow disabling";
  for (const limit of rule.limits ?? []) {
    if (limit.field !== field.path) continue;
    if (typeof field.before !== "number" || typeof field.after !== "number" || field.before === 0) {
      return `limits ${limit.field} to changes of at most ${limit.max_change_percent} % of an existing value`;
    }
    const percent = (Math.abs(field.after - field.before) / Math.abs(field.before)) * 100;
    if (percent > limit.max_change_percent + 1e-9) {
      return `limits ${limit.field} to +-${limit.max_change_percent} % (this change is ${percent.toFixed(1)} %)`;
    }
  }
  return undefined;
}

/** People who could approve a unit: owners behind the roles of every rule that allows it, and named users/teams. */
function approversFor(
  unit: PolicyUnit,
  rules: readonly PolicyRule[],
  directory: PolicyDirectory,
  centralTeam: string,
): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    if (allows(rule, unit) !== undefined) continue;
    if (rule.where && !rule.where.some((glob) => matchObjectGlob(glob, objectPath(unit.change)))) continue;
    for (const principal of rule.who) {
      if (principal.user) out.add(`@${principal.user}`);
      else if (principal.team) out.add(`@${principal.team}`);
      else if (principal.role)
        for (const owner of ownersFor(principal, unit.change, directory)) out.add(owner);
    }
  }
  if (out.size === 0) out.add(`@${centralTeam}`);
  return [...out].sort();
}
