/**
 * Real webhook payloads from `@octokit/webhooks-examples`, and the users found in them (REST `simple-user`
 * and `public-user` objects). REST objects built from the examples are in `rest-objects.ts`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export type Json = Record<string, unknown>;
export type WebhookPayload = Json & { action?: string };

interface WebhookDefinition {
  name: string;
  actions: string[];
  examples: WebhookPayload[];
}

const require = createRequire(import.meta.url);
let definitions: WebhookDefinition[] | undefined;
function webhookDefinitions(): WebhookDefinition[] {
  definitions ??= JSON.parse(
    readFileSync(require.resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"),
  ) as WebhookDefinition[];
  return definitions;
}

/** Every example of an event (optionally one action), deep-copied. */
export function webhookExamples(event: string, action?: string): WebhookPayload[] {
  const definition = webhookDefinitions().find((d) => d.name === event);
  if (!definition) throw new Error(`@octokit/webhooks-examples has no "${event}" event`);
  return definition.examples.filter((e) => action === undefined || e.action === action).map(clone);
}

/**
 * A real example payload of `event` with `action` (the `index`-th when there are several), deep-copied so
 * a test may change it. `pull_request` `edited` has no example in the package; it is derived from the first
 * `opened` example with `action: "edited"` and a `changes.title.from`, as GitHub sends it.
 */
export function loadWebhookExample(event: string, action?: string, index = 0): WebhookPayload {
  const found = webhookExamples(event, action);
  if (found.length === 0 && event === "pull_request" && action === "edited") {
    const opened = loadWebhookExample("pull_request", "opened", index);
    const pr = opened.pull_request as Json;
    return { ...opened, action: "edited", changes: { title: { from: `${String(pr.title)} (draft title)` } } };
  }
  const example = found[index];
  if (!example) {
    const actions = [...new Set(webhookExamples(event).map((e) => e.action))].join(", ");
    throw new Error(
      `@octokit/webhooks-examples has ${found.length} "${event}" example(s) with action "${action}" (index ${index}); actions with examples: ${actions}`,
    );
  }
  return example;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** GitHub's timestamp format: ISO 8601 in UTC without milliseconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Replaces `from` with `to` in every string of a JSON value. */
export function replaceInStrings<T>(value: T, from: string, to: string): T {
  if (from === to) return value;
  if (typeof value === "string") return value.split(from).join(to) as T;
  if (Array.isArray(value)) return value.map((v) => replaceInStrings(v, from, to)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceInStrings(v, from, to)])) as T;
  }
  return value;
}

let userIndex: Map<string, Json> | undefined;
/** Every user or organisation object found in the examples, by lower-case login. */
function exampleUsers(): Map<string, Json> {
  if (!userIndex) {
    const found = new Map<string, Json>();
    const visit = (node: unknown): void => {
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node)) {
        for (const item of node) visit(item);
        return;
      }
      const obj = node as Json;
      const key = typeof obj.login === "string" ? obj.login.toLowerCase() : undefined;
      if (key && typeof obj.type === "string" && typeof obj.node_id === "string" && !found.has(key)) {
        if (typeof obj.gravatar_id === "string" && typeof obj.followers_url === "string") found.set(key, obj);
      }
      for (const value of Object.values(obj)) visit(value);
    };
    for (const definition of webhookDefinitions()) visit(definition.examples);
    userIndex = found;
  }
  return userIndex;
}

let syntheticId = 90_000_000;
/**
 * A REST `simple-user`: the example user with that login (`Codertocat`, `octocat`, `renovate[bot]`, ...),
 * or the `Codertocat` example renamed. Logins ending in `[bot]` get `type: "Bot"` unless `type` says otherwise.
 */
export function simpleUser(login: string, type?: "User" | "Bot" | "Organization"): Json {
  const known = exampleUsers().get(login.toLowerCase());
  if (known) return clone(type ? { ...known, type } : known);
  const base = exampleUsers().get("codertocat")!;
  // URLs carry the login percent-encoded (`renovate%5Bbot%5D`); bots' pages are their apps'.
  const user = replaceInStrings(clone(base), "Codertocat", encodeURIComponent(login));
  const id = ++syntheticId;
  const kind = type ?? (login.endsWith("[bot]") ? "Bot" : "User");
  return {
    ...user,
    login,
    id,
    node_id: Buffer.from(`04:User${id}`).toString("base64"),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    ...(kind === "Bot"
      ? { html_url: `https://github.com/apps/${encodeURIComponent(login.replace(/\[bot\]$/, ""))}` }
      : {}),
    type: kind,
  };
}

/** A REST `public-user` (GET /users/{username}): the simple user plus its profile fields. */
export function publicUser(user: Json): Json {
  return {
    ...user,
    name: user.login,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: "2019-05-15T15:19:25Z",
    updated_at: "2019-05-15T15:20:41Z",
  };
}
