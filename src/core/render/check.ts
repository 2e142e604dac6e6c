import {
  type ChangelogTemplates,
  GITHUB_COMMENT_LIMIT,
  renderChangelog,
  renderTemplate,
} from "./changelog.js";
import type { CheckResultView } from "./check-types.js";

/** The hidden marker that identifies siteops's one sticky comment on a pull request. */
export const CHECK_COMMENT_MARKER = "<!-- siteops:check -->";

/**
 * The pull-request comment: the gate verdict, then the changelog, the whole under GitHub's
 * comment limit (the changelog is truncated at a change boundary when needed).
 */
export function renderCheckComment(
  view: CheckResultView,
  gateTemplate: string,
  templates: ChangelogTemplates,
  /** A trailing section (the preview of the site mails), kept whole; the changelog yields room to it. */
  trailer = "",
): string {
  const gate = renderTemplate("markdown", gateTemplate, {
    verdict: view.verdict.verdict,
    checks: view.verdict.checks,
    ownership: view.ownership,
    problems: view.problems.slice(0, 50),
  });
  const head = `${CHECK_COMMENT_MARKER}\n${gate}`;
  const changelog = renderChangelog(
    view.verdict.changes,
    {
      tickets: view.verdict.tickets,
      ...(view.pullRequest
        ? {
            pullRequest: { number: view.pullRequest.number, url: view.pullRequest.url },
            author: view.pullRequest.author,
          }
        : {}),
      ...(view.fullReport ? { fullReport: view.fullReport } : {}),
    },
    "markdown",
    templates,
    { maxLength: GITHUB_COMMENT_LIMIT - head.length - trailer.length - 4 },
  );
  return trailer ? `${head}\n${changelog}\n${trailer}` : `${head}\n${changelog}`;
}

/** A few plain lines for a terminal. */
export function renderCheckText(view: CheckResultView): string {
  const lines = [
    `siteops check: ${view.verdict.verdict === "pass" ? "PASS (may merge)" : "FAIL (must not merge yet)"}`,
  ];
  for (const check of view.verdict.checks)
    lines.push(`  ${check.status.padEnd(7)} ${check.name}: ${check.message}`);
  return `${lines.join("\n")}\n`;
}
