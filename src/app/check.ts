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
import type { Problem } from "../core/model.js";
import { type Actor, evaluatePolicy, type PolicyDirectory, policyUnits } from "../core/policy/evaluate.js";
import type {
  CodeHost,
  PullRequestInfo,
  PullRequestReview,
  RevisionReader,
  SchemaSource,
} from "../core/ports.js";
import type { ConfigTree } from "../core/tree/tree.js";
import { diffResolved } from "./diff.js";
import { RevisionConfigSource } from "./revision-source.js";
import { validateRepository } from "./validate.js";

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
    validateRepository({ source: new RevisionConfigSource(reader, head), schemas: options.schemas }),
    diffResolved(reader, schemas, base, head),
    pr && host ? host.listReviews(pr.number) : Promise.resolve(undefined),
    pr && host
      ? host.listPullRequestCommits(pr.number).then((c) => c.map((x) => x.message))
      : commitMessages(reader, base, head),
  ]);
  const config = validation.config;
  const checks: GateCheck[] = [];
  const errors = validation.problems.filter((p) => p.severity === "error");
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
  const directory = await buildDirectory(validation.tree, host, config.raw.policy?.rules ?? []);
  const ownership = ownershipRows(diff.report, options.ownersOf, approvers, directory);
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
    problems: validation.problems,
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

async function buildDirectory(
  tree: ConfigTree,
  host: CodeHost | undefined,
  rules: readonly PolicyRule[],
): Promise<PolicyDirectory> {
  const teams = new Set<string>();
  const owners = [...tree.clouds.flatMap((c) => c.data.owners), ...tree.sites.flatMap((s) => s.data.owners)];
  for (const owner of owners) if (owner.includes("/")) teams.add(owner.slice(1));
  for (const rule of rules) for (const who of rule.who) if (who.team) teams.add(who.team);
  const members = new Map<string, ReadonlySet<string>>();
  if (host) {
    await Promise.all(
      [...teams].map(async (team) => {
        const [org, slug] = team.split("/") as [string, string];
        members.set(team, new Set(await host.teamMembers(org, slug)));
      }),
    );
  }
  const sites = new Map<string, readonly string[]>(tree.sites.map((s) => [s.data.name, s.data.owners]));
  const clouds = new Map<string, readonly string[]>(tree.clouds.map((c) => [c.data.name, c.data.owners]));
  return {
    siteOwners: (site) => sites.get(site) ?? [],
    cloudOwners: (cloud) => clouds.get(cloud) ?? [],
    teamMembers: (team) => (host ? (members.get(team) ?? new Set()) : undefined),
  };
}

function ownershipRows(
  report: DiffReport,
  ownersOf: (path: string) => string[],
  approvers: readonly string[],
  directory: PolicyDirectory,
): OwnershipRow[] {
  const rows = new Map<string, OwnershipRow>();
  const add = (change: ObjectChange, file: string) => {
    const key = `${file}`;
    if (rows.has(key)) return;
    const owners = ownersOf(file);
    const approvedBy = approvers.find((login) =>
      owners.some((owner) => {
        const name = owner.replace(/^@/, "");
        if (!name.includes("/")) return name.toLowerCase() === login.toLowerCase();
        return [...(directory.teamMembers(name) ?? [])].some((m) => m.toLowerCase() === login.toLowerCase());
      }),
    );
    rows.set(key, {
      object: `${change.kind} ${change.name}`,
      file,
      owners,
      ...(approvedBy ? { approvedBy } : {}),
    });
  };
  for (const change of report.changes) {
    add(change, change.file);
    if (change.previousFile) add(change, change.previousFile);
  }
  return [...rows.values()];
}

async function commitMessages(reader: RevisionReader, base: string, head: string): Promise<string[]> {
  const commits = await reader.log({ paths: ["."], from: base, to: head });
  return commits.map((c) => `${c.subject}\n\n${c.body}`);
}
