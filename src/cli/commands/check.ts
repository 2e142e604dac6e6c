import { appendFile, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { GitRevisionReader } from "../../adapters/git-reader.js";
import { readMailTemplates } from "../../adapters/mail-templates.js";
import { FsSchemaSource } from "../../adapters/schemas-fs.js";
import { readChangelogTemplates, readShippedTemplate } from "../../adapters/templates-fs.js";
import { checkPullRequest } from "../../app/check.js";
import { planNotifications } from "../../app/notify.js";
import { loadOwnership } from "../../app/ownership.js";
import { pullRequestFromEvent } from "../../app/pull-request.js";
import { OperationalError, UsageError } from "../../core/errors.js";
import { renderMailPreviewMarkdown } from "../../core/mail/preview.js";
import type { PullRequestInfo } from "../../core/ports.js";
import { CHECK_COMMENT_MARKER, renderCheckComment, renderCheckText } from "../../core/render/check.js";
import { renderProblemsGithub } from "../../core/render/problems.js";
import { oneOf, parseCommandArgs } from "../args.js";
import { codeHostFromEnv } from "../github-env.js";
import type { CliIo } from "../io.js";

export async function checkCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      base: { type: "string" },
      head: { type: "string" },
      event: { type: "string" },
      pr: { type: "string" },
      post: { type: "boolean" },
      format: { type: "string" },
      "comment-out": { type: "string" },
      root: { type: "string" },
    },
    false,
  );
  const format = oneOf("format", values.format, ["text", "markdown", "json"], "text");
  const root = resolve(io.cwd, values.root ?? ".");
  let pullRequest: PullRequestInfo | undefined;
  if (values.event) {
    const path = resolve(io.cwd, values.event);
    const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new OperationalError(
        `${values.event}: cannot read the event payload (${error.code ?? error.message}).`,
      );
    });
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      throw new OperationalError(
        `${values.event}: is not JSON. Pass the file GitHub puts at $GITHUB_EVENT_PATH.`,
      );
    }
    pullRequest = pullRequestFromEvent(payload, values.event);
  }
  const prNumber = values.pr !== undefined ? Number(values.pr) : pullRequest?.number;
  if (values.pr !== undefined && !(Number.isInteger(prNumber) && (prNumber ?? 0) > 0)) {
    throw new UsageError(`--pr must be a pull-request number, not \`${values.pr}\`.`);
  }
  const host = await codeHostFromEnv(io);
  if (values.post && (!host || prNumber === undefined)) {
    throw new UsageError(
      "--post needs GITHUB_TOKEN and GITHUB_REPOSITORY, and a pull request (--pr N or --event FILE).",
    );
  }
  if (!pullRequest && prNumber !== undefined && host) pullRequest = await host.getPullRequest(prNumber);
  const base = values.base ?? pullRequest?.baseSha;
  const head = values.head ?? pullRequest?.headSha;
  if (!base || !head)
    throw new UsageError(
      "give --base and --head, or --event with a pull_request payload, or --pr N with a token.",
    );
  const reader = new GitRevisionReader(root);
  try {
    const schemas = new FsSchemaSource();
    const ownersOf = await loadOwnership(reader, schemas, await reader.resolve(base));
    const result = await checkPullRequest({
      reader,
      schemas,
      base,
      head,
      ownersOf,
      now: io.now(),
      ...(pullRequest ? { pullRequest } : {}),
      ...(host && pullRequest ? { host } : {}),
    });
    const runUrl =
      io.env.GITHUB_RUN_ID && io.env.GITHUB_REPOSITORY
        ? `${io.env.GITHUB_SERVER_URL ?? "https://github.com"}/${io.env.GITHUB_REPOSITORY}/actions/runs/${io.env.GITHUB_RUN_ID}`
        : undefined;
    const view = { ...result, ...(runUrl ? { fullReport: runUrl } : {}) };
    // The comment (changelog templates, mail preview) is rendered only when something reads it.
    const wantsComment =
      Boolean(values["comment-out"]) ||
      Boolean(io.env.GITHUB_STEP_SUMMARY) ||
      (values.post === true && host !== undefined && result.pullRequest !== undefined) ||
      format === "markdown";
    let comment = "";
    if (wantsComment) {
      const templates = await readChangelogTemplates(root, result.config.templates);
      const preview = result.pullRequest
        ? await mailPreview(reader, schemas, base, head, result.pullRequest, io)
        : "";
      comment = renderCheckComment(view, await readShippedTemplate("check.md.hbs"), templates, preview);
    }
    if (values["comment-out"]) await writeFile(resolve(io.cwd, values["comment-out"]), comment);
    if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, `${comment}\n`);
    if (io.env.GITHUB_ACTIONS === "true" && format !== "json") {
      io.stdout(
        renderProblemsGithub({
          valid: result.verdict.verdict === "pass",
          counts: { clouds: 0, sites: 0, queues: 0, ddmendpoints: 0 },
          problems: result.problems,
        }),
      );
    }
    if (values.post && host && result.pullRequest) {
      await host.upsertComment(result.pullRequest.number, CHECK_COMMENT_MARKER, comment);
      const failed = result.verdict.checks.filter((c) => c.status === "fail").map((c) => c.name);
      await host.setCommitStatus(result.pullRequest.headSha, {
        state: failed.length ? "failure" : "success",
        context: "siteops/check",
        description: failed.length
          ? `failed: ${failed.join(", ")}`
          : "ticket, ownership, policy and notice pass",
        ...(runUrl ? { targetUrl: runUrl } : {}),
      });
    }
    if (format === "json") io.stdout(`${JSON.stringify(result.verdict, null, 2)}\n`);
    else if (format === "markdown") io.stdout(comment);
    else io.stdout(renderCheckText(view));
    return result.verdict.verdict === "pass" ? 0 : 1;
  } finally {
    await reader.close();
  }
}

/** The mails the affected sites will get on merge, exactly as they will be sent, for the comment. */
async function mailPreview(
  reader: GitRevisionReader,
  schemas: FsSchemaSource,
  base: string,
  head: string,
  pullRequest: PullRequestInfo,
  io: CliIo,
): Promise<string> {
  const planned = await planNotifications({
    reader,
    schemas,
    base,
    head,
    stage: "applied",
    repository: io.env.GITHUB_REPOSITORY ?? "local/siteops",
    pullRequest,
    templates: await readMailTemplates(),
  });
  return renderMailPreviewMarkdown(planned.plan.mails, { maxLength: 20_000 });
}
