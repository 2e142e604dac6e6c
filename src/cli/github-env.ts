import type { OctokitCodeHost } from "../adapters/github.js";
import { UsageError } from "../core/errors.js";
import type { CliIo } from "./io.js";

/**
 * A GitHub client when the environment has a token and a repository (as in a workflow):
 * GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo) and, for GitHub Enterprise or tests, GITHUB_API_URL.
 * octokit is loaded only then: an offline run does not pay for it.
 */
export async function codeHostFromEnv(io: CliIo): Promise<OctokitCodeHost | undefined> {
  const token = io.env.GITHUB_TOKEN;
  const repository = io.env.GITHUB_REPOSITORY;
  if (!token || !repository) return undefined;
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) throw new UsageError(`GITHUB_REPOSITORY must be owner/repo, not \`${repository}\`.`);
  const { OctokitCodeHost } = await import("../adapters/github.js");
  return new OctokitCodeHost({
    token,
    owner,
    repo,
    ...(io.env.GITHUB_API_URL ? { baseUrl: io.env.GITHUB_API_URL } : {}),
  });
}
