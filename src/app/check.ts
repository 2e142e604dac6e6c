import type { ResolvedConfig } from "../core/config.js";
import type { DiffReport, ObjectChange } from "../core/diff/model.js";
import { findDisruptions, noticeVerdict } from "../core/gate/notice.js";
import { findTickets } from "../core/gate/tickets-check.js";
import {
  combine,
  type GateCheck,
  type GateVerdict,
  type OwnershipRow,
  ownershipCheck,
  policyCheck,
  ticketCheck,
} from "../core/gate/verdict.js";
import type { PolicyRule } from "../core/generated/config.js";
import { readYaml } from "../core/load/read-yaml.js";
import type { Problem } from "../core/model.js";
import {
  type Actor,
  evaluatePolicy,
  isOwner,
  type PolicyDirectory,
  policyUnits,
} from "../core/policy/evaluate.js";
import type {
  CodeHost,
  PullRequestInfo,
  PullRequestReview,
  RevisionReader,
  SchemaSource,
} from "../core/ports.js";
import { classifyPath } from "../core/tree/layout.js";
import { diffResolved, readConfigAt } from "./diff.js";
import { validateChange } from "./validate-change.js";

export interface CheckOptions {
  reader: RevisionReader;
  schemas: SchemaSource;
  base: string;
  head: string;
  /** The pull request, when checking one (from the event payload or read live). */
  pullRequest?: PullRequestInfo;
  /** Live GitHub access; without it reviews and team memberships are unknown. */
  host?: CodeHost;
  /** Owners of a path per the base branch's CODEOWNERS (GitHub applies the base branch's file). */
  ownersOf: (path: string) => string[];
  now: Date;
}

export interface CheckResult {
  verdict: GateVerdict;
  problems: Problem[];
  ownership: OwnershipRow[];
  config: ResolvedConfig;
  pullRequest?: PullRequestInfo;
}

/** The whole pull-request verdict: validation, ticket, ownership, policy and notice, in one run. */
export async function checkPullRequest(options: CheckOptions): Promise<CheckResult> {
  const { reader, host } = options;
  const schemas = await options.schemas.readSchemas();
  const base = await reader.resolve(options.base);
  const head = await reader.resolve(options.head);
  const pr =
    options.pullRequest && host ? await host.getPullRequest(options.pullRequest.number) : options.pullRequest;
  const [validation, diff, reviews, commits] = await Promise.all([
    validateChange({ reader, schemas: options.schemas, base, head }),
    diffResolved(reader, schemas, base, head),
    pr && host ? host.listReviews(pr.number) : Promise.resolve(undefined),
    pr && host
      ? host.listPullRequestCommits(pr.number).then((c) => c.map((x) => x.message))
      : commitMessages(reader, base, head),
  ]);
  // The rules a pull request is judged by come from its base: a change cannot relax its own policy,
  // notice period or ticket patterns.
  const config = await readConfigAt(reader, base, schemas);
  const checks: GateCheck[] = [];
  const errors = validation.report.problems.filter((p) => p.severity === "error");
  checks.push({
    name: "validation",
    status: errors.length ? "fail" : "pass",
    message: errors.length
      ? `${errors.length} problem${errors.length === 1 ? "" : "s"} in the tree at ${head.slice(0, 12)}`
      : "the tree validates",
    ...(errors.length ? { details: errors } : {}),
  });
  const tickets = findTickets(
    { title: pr?.title ?? "", body: pr?.body ?? "", commitMessages: commits },
    config.tickets,
  );
  checks.push(
    ticketCheck(
      tickets,
      config.tickets.map((t) => t.system),
    ),
  );
  const approvers = latestApprovals(reviews ?? [], pr?.author);
  const changedPaths = await reader.changedPaths(base, head);
  const owners = await baseOwners(reader, base, diff.report.changes);
  const codeOwners = changedPaths.flatMap((path) => options.ownersOf(path));
  const directory = await buildDirectory(owners, codeOwners, host, config.raw.policy?.rules ?? []);
  const ownership = ownershipRows(diff.report, changedPaths, options.ownersOf, approvers, directory);
  checks.push(ownershipCheck(ownership, reviews !== undefined));
  if (pr) {
    const actors: Actor[] = [
      { login: pr.author, as: "author" },
      ...approvers.map((login) => ({ login, as: "approver" as const })),
    ];
    const central = config.raw.policy?.central_team ?? "atlas-siteops/dpa";
    checks.push(
      policyCheck(
        evaluatePolicy(
          policyUnits(diff.report.changes),
          config.raw.policy?.rules ?? [],
          actors,
          directory,
          central,
        ),
      ),
    );
  } else {
    checks.push({ name: "policy", status: "skipped", message: "no pull request: the author is unknown" });
  }
  const notice = config.raw.notice;
  const disruptions = findDisruptions(diff.report.changes, notice?.reduced_fields ?? []);
  const urgentLabel = notice?.urgent_label ?? "urgent";
  // The heads-up mail goes out when the pull request is opened; its time starts the notice.
  const verdictOfNotice = noticeVerdict({
    disruptions,
    hours: notice?.hours ?? 48,
    headsUpAt: pr ? new Date(pr.createdAt) : undefined,
    now: options.now,
    urgent: pr?.labels.includes(urgentLabel) ?? false,
    urgentLabel,
  });
  checks.push({
    name: "notice",
    ...verdictOfNotice,
    ...(verdictOfNotice.earliestMerge ? { details: { earliestMerge: verdictOfNotice.earliestMerge } } : {}),
  });
  return {
    verdict: combine(checks, tickets, diff.report),
    problems: validation.report.problems,
    ownership,
    config,
    ...(pr ? { pullRequest: pr } : {}),
  };
}

/** Users whose latest submitted review is an approval; the author's own review never counts. */
function latestApprovals(reviews: readonly PullRequestReview[], author: string | undefined): string[] {
  const latest = new Map<string, PullRequestReview>();
  for (const review of reviews) {
    if (review.state === "PENDING" || review.state === "COMMENTED") continue;
    latest.set(review.user.toLowerCase(), review);
  }
  return [...latest.values()]
    .filter((r) => r.state === "APPROVED" && r.user.toLowerCase() !== author?.toLowerCase())
    .map((r) => r.user);
}

/** Owners of the sites and clouds a change touches, as the base revision declares them. */
async function baseOwners(
  reader: RevisionReader,
  base: string,
  changes: readonly ObjectChange[],
): Promise<{ sites: Map<string, string[]>; clouds: Map<string, string[]> }> {
  const paths = new Set<string>();
  for (const change of changes) {
    paths.add(`sites/${change.cloud}/cloud.yaml`);
    if (change.site) paths.add(`sites/${change.cloud}/${change.site}/site.yaml`);
    const previous = change.previousFile ? classifyPath(change.previousFile) : undefined;
    if (previous && previous.kind !== "documentation" && previous.kind !== "unexpected") {
      paths.add(`sites/${previous.cloud}/cloud.yaml`);
      if (previous.kind !== "cloud") paths.add(`sites/${previous.cloud}/${previous.site}/site.yaml`);
    }
  }
  const files = await reader.readFiles(base, [...paths]);
  const sites = new Map<string, string[]>();
  const clouds = new Map<string, string[]>();
  for (const [path, bytes] of files) {
    const data = readYaml(path, bytes, { maxBytes: 1_048_576 }).data;
    const list = Array.isArray(data?.owners)
      ? data.owners.filter((o): o is string => typeof o === "string")
      : [];
    const entry = classifyPath(path);
    if (entry.kind === "site" && typeof data?.name === "string") sites.set(data.name, list);
    if (entry.kind === "cloud" && typeof data?.name === "string") clouds.set(data.name, list);
  }
  return { sites, clouds };
}

async function buildDirectory(
  owners: { sites: Map<string, string[]>; clouds: Map<string, string[]> },
  codeOwners: readonly string[],
  host: CodeHost | undefined,
  rules: readonly PolicyRule[],
): Promise<PolicyDirectory> {
  const teams = new Set<string>();
  const everyOwner = [...owners.sites.values(), ...owners.clouds.values()].flat().concat(codeOwners);
  for (const owner of everyOwner) if (owner.includes("/")) teams.add(owner.replace(/^@/, ""));
  for (const rule of rules) for (const who of rule.who) if (who.team) teams.add(who.team);
  const members = new Map<string, ReadonlySet<string>>();
  if (host) {
    await Promise.all(
      [...teams].map(async (team) => {
        const [org, slug] = team.split("/") as [string, string];
        // A team that does not exist (or cannot be read) approves nothing; it must not stop the check.
        const logins = await host.teamMembers(org, slug).catch(() => [] as string[]);
        members.set(team, new Set(logins));
      }),
    );
  }
  return {
    siteOwners: (site) => owners.sites.get(site) ?? [],
    cloudOwners: (cloud) => owners.clouds.get(cloud) ?? [],
    teamMembers: (team) => (host ? (members.get(team) ?? new Set()) : undefined),
  };
}

/** One row per changed file, configuration or not: every file GitHub would ask its owners about. */
function ownershipRows(
  report: DiffReport,
  changedPaths: readonly string[],
  ownersOf: (path: string) => string[],
  approvers: readonly string[],
  directory: PolicyDirectory,
): OwnershipRow[] {
  const objects = new Map<string, string>();
  for (const change of report.changes) {
    objects.set(change.file, `${change.kind} ${change.name}`);
    if (change.previousFile) objects.set(change.previousFile, `${change.kind} ${change.name}`);
  }
  return changedPaths.map((file) => {
    const owners = ownersOf(file);
    const approvedBy = approvers.find((login) => owners.some((owner) => isOwner(login, owner, directory)));
    return { object: objects.get(file) ?? file, file, owners, ...(approvedBy ? { approvedBy } : {}) };
  });
}

async function commitMessages(reader: RevisionReader, base: string, head: string): Promise<string[]> {
  const commits = await reader.log({ paths: ["."], from: base, to: head });
  return commits.map((c) => `${c.subject}\n\n${c.body}`);
}
