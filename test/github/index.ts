/**
 * Test infrastructure for code that talks to GitHub: a local GitHub REST API checked against GitHub's
 * OpenAPI description (`startGitHubServer`, see `openapi-server.ts` for its API), and real webhook
 * payloads (`loadWebhookExample("pull_request", "opened")`) for driving `siteops check --event FILE`.
 */
export { type IssueSeed, issueHandlers, issuesOf, seedIssue } from "./github-issues.js";
export { pullRequestWriteHandlers, resolveBranchesWith } from "./github-pulls.js";
export type { Handler, HandlerRequest, HandlerResponse } from "./github-routes.js";
export { fakeSha, GitHubState, type PullRequestChanges, type ReviewSeed } from "./github-state.js";
export {
  type Fault,
  faults,
  type GitHubServer,
  type GitHubServerOptions,
  type RecordedRequest,
  startGitHubServer,
  type Violation,
} from "./openapi-server.js";
export { loadWebhookExample, type WebhookPayload, webhookExamples } from "./webhook-examples.js";
