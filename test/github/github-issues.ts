/**
 * Test-server handlers for bots that keep an issue (the CRIC drift issue): list a repository's issues
 * (filtered by state and labels, sorted by created or updated), open one, edit its title/body/state.
 * Issues are built from the real `issues.opened` webhook example, moved to the server's repository and
 * authored by its viewer; they share numbers with pull requests, as on GitHub. The list holds issues only
 * (GitHub also lists pull requests there, which clients must skip).
 *
 *   issuesOf(server.state)                      // Map number -> live REST issue
 *   seedIssue(server.state, { title, body, labels, state?, author? })
 */
import { errorBody, type Handler, type HandlerRequest, notFound, paginate } from "./github-routes.js";
import type { GitHubState } from "./github-state.js";
import { EXAMPLE_FULL_NAME, restLabel } from "./rest-objects.js";
import { clone, type Json, loadWebhookExample, replaceInStrings, timestamp } from "./webhook-examples.js";

const stores = new WeakMap<GitHubState, Map<number, Json>>();

/** The issues of a test server's repository by number (live REST objects). */
export function issuesOf(state: GitHubState): Map<number, Json> {
  let store = stores.get(state);
  if (!store) {
    store = new Map();
    stores.set(state, store);
  }
  return store;
}

export interface IssueSeed {
  title: string;
  body?: string | null;
  labels?: string[];
  state?: "open" | "closed";
  /** Login of the author (default: the viewer). */
  author?: string;
}

/** Adds an issue (the next free number among issues and pull requests). */
export function seedIssue(state: GitHubState, seed: IssueSeed): Json {
  const store = issuesOf(state);
  const number = Math.max(0, ...state.pulls.keys(), ...store.keys()) + 1;
  const example = clone(loadWebhookExample("issues", "opened").issue as Json);
  const old = example.number as number;
  const moved = JSON.parse(
    JSON.stringify(replaceInStrings(example, EXAMPLE_FULL_NAME, state.fullName)).replace(
      new RegExp(`/issues/${old}(?![0-9])`, "g"),
      `/issues/${number}`,
    ),
  ) as Json;
  const now = timestamp();
  const id = state.nextId();
  const issue: Json = {
    ...moved,
    id,
    node_id: Buffer.from(`05:Issue${id}`).toString("base64"),
    number,
    title: seed.title,
    body: seed.body ?? null,
    user: seed.author === undefined ? state.viewer : state.addUser(seed.author),
    labels: (seed.labels ?? []).map((name) => restLabel(state.nextId(), name, state.fullName)),
    state: seed.state ?? "open",
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: now,
    updated_at: now,
    closed_at: seed.state === "closed" ? now : null,
    author_association: "NONE",
  };
  store.set(number, issue);
  return issue;
}

function isRepo(request: HandlerRequest, state: GitHubState): boolean {
  return (
    request.params.owner?.toLowerCase() === state.owner.toLowerCase() &&
    request.params.repo?.toLowerCase() === state.repo.toLowerCase()
  );
}

function labelNames(issue: Json): string[] {
  return (issue.labels as Json[]).map((l) => l.name as string);
}

export const issueHandlers: Record<string, Handler> = {
  "GET /repos/{owner}/{repo}/issues": (request, state) => {
    if (!isRepo(request, state)) return notFound();
    const wanted = request.query.state ?? "open";
    const labels = (request.query.labels ?? "")
      .split(",")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    const sort = request.query.sort === "updated" ? "updated_at" : "created_at";
    const list = [...issuesOf(state).values()]
      .filter((i) => wanted === "all" || i.state === wanted)
      .filter((i) => labels.every((l) => labelNames(i).includes(l)))
      .sort(
        (a, b) =>
          (a[sort] as string).localeCompare(b[sort] as string) || (a.number as number) - (b.number as number),
      );
    if ((request.query.direction ?? "desc") === "desc") list.reverse();
    return paginate(request, list);
  },

  "POST /repos/{owner}/{repo}/issues": (request, state) => {
    if (!isRepo(request, state)) return notFound();
    const input = request.body as { title: string | number; body?: string | null; labels?: unknown[] };
    if (String(input.title).trim() === "") {
      return { status: 422, body: errorBody(422, "Validation Failed") };
    }
    const labels = (input.labels ?? []).map((l) =>
      typeof l === "string" ? l : String((l as { name?: unknown }).name),
    );
    const issue = seedIssue(state, { title: String(input.title), body: input.body ?? null, labels });
    return { status: 201, body: issue, headers: { location: issue.url as string } };
  },

  "PATCH /repos/{owner}/{repo}/issues/{issue_number}": (request, state) => {
    const issue = isRepo(request, state)
      ? issuesOf(state).get(Number(request.params.issue_number))
      : undefined;
    if (!issue) return notFound();
    const input = request.body as { title?: string | number | null; body?: string | null; state?: string };
    const now = timestamp();
    if (input.title !== undefined && input.title !== null) issue.title = String(input.title);
    if (input.body !== undefined) issue.body = input.body;
    if (input.state !== undefined && input.state !== issue.state) {
      issue.state = input.state;
      issue.closed_at = input.state === "closed" ? now : null;
      if (input.state === "closed") issue.state_reason = "completed";
      else issue.state_reason = "reopened";
    }
    issue.updated_at = now;
    return { status: 200, body: issue };
  },
};
