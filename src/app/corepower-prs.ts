/**
 * `siteops corepower --open-prs`: one branch and pull request per cloud (`<prefix><CLOUD>`), so each
 * cloud's owners review their own values.
 *
 * - Values and removals are read from the remote base branch; values a pull request closed without
 *   merge proposed (its machine-readable block) are not proposed again.
 * - An open pull request is updated in place (new commit, new body), never closed and reopened; when
 *   its block already proposes exactly these values, nothing is pushed and the body is only rewritten
 *   if it differs.
 * - The bot pushes (`--force-with-lease`) only when every commit on the branch is its own; otherwise
 *   it comments on the pull request with the newer values and leaves the branch alone.
 */
import { filesFor } from "../core/corepower/apply.js";
import { type Held, type PinRemoval, type Plan, type Proposal, valueKey } from "../core/corepower/model.js";
import type { BranchCommit, BranchPublisher, FeedSource } from "../core/corepower/ports.js";
import { blockFor, blockKeys, parseBlock, planKeys, sameKeys } from "../core/corepower/pr-block.js";
import { commitMessage, prTitle, renderBlockedComment, renderBody } from "../core/corepower/pr-body.js";
import type { PullRequestOutcome } from "../core/corepower/report.js";
import type { CorepowerSettings } from "../core/corepower/settings.js";
import { OperationalError } from "../core/errors.js";
import type { CodeHost, PullRequestInfo, RevisionReader, SchemaSource } from "../core/ports.js";
import { type CorepowerInputs, editAndCheck, type PlannedRun, planRun } from "./corepower.js";
import { RevisionConfigSource } from "./revision-source.js";

export const BLOCKED_MARKER = "<!-- siteops:corepower-blocked -->";

export type PullRequestHost = Pick<
  CodeHost,
  "listPullRequestsByHead" | "createPullRequest" | "updatePullRequest" | "addLabels" | "upsertComment"
>;

export interface PullRequestRunOptions {
  reader: RevisionReader;
  publisher: BranchPublisher;
  host: PullRequestHost;
  schemas: SchemaSource;
  feedSource: FeedSource;
  inputs: CorepowerInputs;
  now: Date;
  /** Settings from the working tree's config (base branch and branch prefix, before fetching). */
  baseBranch: string;
  branchPrefix: string;
  settings?: Partial<CorepowerSettings>;
}

export interface PullRequestRun {
  plan: Plan;
  outcomes: PullRequestOutcome[];
  warnings: string[];
}

export async function runPullRequests(options: PullRequestRunOptions): Promise<PullRequestRun> {
  const { publisher, host } = options;
  await publisher.fetch(options.baseBranch, options.branchPrefix);
  const base = await publisher.remoteHead(options.baseBranch);
  if (!base) {
    throw new OperationalError(
      `remote branch ${options.baseBranch}: not found after fetching. Check corepower.base_branch in siteops.config.yaml.`,
    );
  }
  const source = new RevisionConfigSource(options.reader, base);
  const run = await planRun({
    source,
    schemas: options.schemas,
    feedSource: options.feedSource,
    inputs: options.inputs,
    now: options.now,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const clouds = [
    ...new Set([...run.plan.proposals, ...run.plan.removals].map((x) => x.target.cloud)),
  ].sort();
  // Values rejected in pull requests closed without merge are held back.
  const rejected = new Map<string, number>();
  const closedByCloud = new Map<string, PullRequestInfo[]>();
  for (const cloud of clouds) {
    const closed = await host.listPullRequestsByHead(`${options.branchPrefix}${cloud}`, "closed");
    closedByCloud.set(cloud, closed);
    for (const pr of closed.filter((p) => !p.merged)) {
      const block = parseBlock(pr.body);
      for (const key of block ? blockKeys(block) : []) if (!rejected.has(key)) rejected.set(key, pr.number);
    }
  }
  const held: Held[] = [...run.plan.held];
  const proposals = run.plan.proposals.filter((p) => {
    const by = rejected.get(valueKey(p.target.file, p.target.path, p.target.before, p.after));
    if (by !== undefined) {
      const detail = `${p.target.before} -> ${p.after} was rejected in #${by}`;
      held.push({ target: p.target, reason: "suppressed", detail, after: p.after });
    }
    return by === undefined;
  });
  const removals = run.plan.removals.filter(
    (r) => !rejected.has(valueKey(r.target.file, r.path, "pin", "remove")),
  );
  const reduced: PlannedRun = { ...run, plan: { ...run.plan, proposals, removals, held } };
  const { files, plan } = await editAndCheck(reduced, source, options.schemas);
  const outcomes: PullRequestOutcome[] = [];
  for (const cloud of clouds) {
    const mine = plan.proposals.filter((p) => p.target.cloud === cloud);
    const pins = plan.removals.filter((r) => r.target.cloud === cloud);
    const branch = `${options.branchPrefix}${cloud}`;
    if (mine.length === 0 && pins.length === 0) {
      outcomes.push({
        cloud,
        branch,
        action: "unchanged",
        detail: "every value was rejected before (closed pull request) or could not be edited",
      });
      continue;
    }
    outcomes.push(
      await publishCloud({
        ...options,
        run: { ...reduced, plan },
        cloud,
        branch,
        base,
        proposals: mine,
        removals: pins,
        files: filesFor(files, mine, pins),
        closed: closedByCloud.get(cloud) ?? [],
      }),
    );
  }
  return { plan, outcomes, warnings: run.warnings };
}

interface CloudJob extends PullRequestRunOptions {
  run: PlannedRun;
  cloud: string;
  branch: string;
  base: string;
  proposals: Proposal[];
  removals: PinRemoval[];
  files: Map<string, string>;
  /** The branch's closed pull requests. */
  closed: PullRequestInfo[];
}

async function publishCloud(job: CloudJob): Promise<PullRequestOutcome> {
  const { host, publisher, run, cloud, branch, base, proposals, removals } = job;
  const { settings } = run;
  const open: PullRequestInfo | undefined = (await host.listPullRequestsByHead(branch, "open"))[0];
  const head = await publisher.remoteHead(branch);
  // A branch whose head was merged is spent: its commits, anyone's, are in the base's history.
  const spent = !open && job.closed.some((p) => p.merged && p.headSha === head);
  const foreign =
    head && !spent ? (await publisher.commitsSince(base, head)).filter((c) => !isBot(c, settings)) : [];
  const block = open ? parseBlock(open.body) : undefined;
  const wanted = planKeys(proposals, removals);
  const labels = [
    ...settings.labels,
    ...(proposals.some((p) => p.needsApproval) ? [settings.approvalLabel] : []),
  ];
  const outcome = (action: PullRequestOutcome["action"], detail: string, pr = open): PullRequestOutcome => ({
    cloud,
    branch,
    action,
    ...(pr ? { number: pr.number, url: pr.url } : {}),
    detail,
  });
  const render = (commit: string, baseSha: string) =>
    renderBody({
      cloud,
      proposals,
      removals,
      skipped: run.plan.skipped,
      settings,
      limitPercent: Math.min(run.policy.limits.corepower, run.policy.limits["queue_defaults.corepower"]),
      policyRule: run.policy.rule,
      block: blockFor(cloud, baseSha, commit, proposals, removals),
    });
  const title = prTitle(cloud, proposals.length + removals.length, settings);
  if (open && block && sameKeys(blockKeys(block), wanted) && (head === block.commit || foreign.length > 0)) {
    if (head !== block.commit)
      return outcome("unchanged", "same values; the branch has commits by others, left alone");
    const body = render(block.commit, block.base);
    await ensureLabels(host, open, labels);
    if (body === open.body && title === open.title) return outcome("unchanged", "same values, nothing to do");
    await host.updatePullRequest(open.number, { title, body });
    return outcome("updated", "same values; description refreshed");
  }
  if (foreign.length > 0) {
    const who = foreign.map((c) => ({ sha: c.sha, author: `${c.authorName} <${c.authorEmail}>` }));
    if (!open) {
      return outcome(
        "blocked",
        `branch ${branch} has commits by others and no open pull request; delete the branch so the bot can open a new one`,
      );
    }
    await host.upsertComment(
      open.number,
      BLOCKED_MARKER,
      renderBlockedComment(branch, proposals, removals, who),
    );
    return outcome(
      "blocked",
      `newer values not pushed: the branch has ${foreign.length} commit(s) by others; commented`,
    );
  }
  const commit = await publisher.commit(
    base,
    job.files,
    commitMessage(cloud, { proposals, removals, settings }),
  );
  await publisher.push(commit, branch, head);
  const body = render(commit, base);
  if (open) {
    await host.updatePullRequest(open.number, { title, body });
    await ensureLabels(host, open, labels);
    return outcome("updated", `new commit ${commit.slice(0, 12)}`);
  }
  const created = await host.createPullRequest({ title, body, head: branch, base: job.baseBranch });
  await host.addLabels(created.number, labels);
  return outcome("opened", `commit ${commit.slice(0, 12)}`, created);
}

async function ensureLabels(
  host: PullRequestHost,
  pr: PullRequestInfo,
  labels: readonly string[],
): Promise<void> {
  const missing = labels.filter((l) => !pr.labels.includes(l));
  if (missing.length > 0) await host.addLabels(pr.number, missing);
}

function isBot(commit: BranchCommit, settings: CorepowerSettings): boolean {
  return commit.authorEmail.toLowerCase() === settings.bot.gitEmail.toLowerCase();
}
