import { inheritableFields } from "../config.js";
import type { FileKind } from "../model.js";
import { SchemaIndex as Index, type SchemaIndex, type SchemaNode } from "../schema-index.js";
import type { SchemaSet } from "../validate/schema-validator.js";
import { compareFields, deepEqual, listFields, parseCatchall } from "./compare.js";
import { type QueueFacts, queueImpact } from "./impact.js";
import type { ChangeKind, DiffReport, ObjectChange } from "./model.js";
import { type DiffObject, readObjects } from "./objects.js";

export interface RevisionFiles {
  /** Commit id, or "worktree". */
  id: string;
  /** The changed files at this revision, plus the site and queue files needed for inheritance. */
  files: ReadonlyMap<string, Uint8Array>;
}

export interface DiffInput {
  base: RevisionFiles;
  head: RevisionFiles;
  schemas: SchemaSet;
  himemMbPerCore: number;
}

const KIND_ORDER: Record<ChangeKind, number> = { cloud: 0, site: 1, ddmendpoint: 2, queue: 3 };

/** The semantic diff of two revisions: objects matched by name, fields compared by the schemas. */
export function diffRevisions(
  input: DiffInput,
): DiffReport & { problems: ReturnType<typeof readObjects>["problems"] } {
  const index = new Index(input.schemas);
  const base = readObjects(input.base.files);
  const head = readObjects(input.head.files);
  const inheritable = inheritableFields(input.schemas.queue);
  const key = (o: DiffObject) => `${o.kind}\u0000${o.name}`;
  const before = new Map(base.objects.map((o) => [key(o), o]));
  const after = new Map(head.objects.map((o) => [key(o), o]));
  const context = {
    index,
    inheritable,
    himem: input.himemMbPerCore,
    base: base.objects,
    head: head.objects,
    unreadable: { base: base.unreadable, head: head.unreadable },
  };
  const changes: ObjectChange[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])]) {
    const change = describe(before.get(id), after.get(id), context);
    if (change) changes.push(change);
  }
  changes.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.cloud.localeCompare(b.cloud) ||
      (a.site ?? "").localeCompare(b.site ?? "") ||
      a.name.localeCompare(b.name),
  );
  return {
    base: input.base.id,
    head: input.head.id,
    changes,
    problems: [...base.problems, ...head.problems],
  };
}

interface Context {
  index: SchemaIndex;
  inheritable: string[];
  himem: number;
  base: DiffObject[];
  head: DiffObject[];
  unreadable: { base: ReadonlySet<string>; head: ReadonlySet<string> };
}

function schemaNode(kind: ChangeKind, index: SchemaIndex): SchemaNode {
  if (kind === "ddmendpoint") return index.child(index.child(index.root("site"), "ddmendpoints"), 0)!;
  return index.root(kind as FileKind);
}

function describe(
  b: DiffObject | undefined,
  a: DiffObject | undefined,
  ctx: Context,
): ObjectChange | undefined {
  const current = (a ?? b)!;
  const node = schemaNode(current.kind, ctx.index);
  const identity = {
    kind: current.kind,
    name: current.name,
    cloud: current.cloud,
    ...(current.site !== undefined ? { site: current.site } : {}),
    file: current.file,
  };
  // An object is only added or removed when the other side could be read: a broken file hides it.
  if (!b && ctx.unreadable.base.has(a!.file)) return undefined;
  if (!a && ctx.unreadable.head.has(b!.file)) return undefined;
  if (!b) return { ...identity, action: "added", fields: listFields(a!.data, "added", node, ctx.index) };
  if (!a) return { ...identity, action: "removed", fields: listFields(b.data, "removed", node, ctx.index) };
  const fields = compareFields(b.data, a.data, node, ctx.index);
  // An endpoint lives inside its site's file: it moves when its site changes. Others move with their file.
  const moved = current.kind === "ddmendpoint" ? b.site !== a.site : b.file !== a.file;
  if (fields.length === 0 && !moved) return undefined;
  const change: ObjectChange = {
    ...identity,
    action: moved ? "moved" : "modified",
    ...(moved ? { previousFile: b.file } : {}),
    fields,
  };
  if (a.kind === "queue") {
    const impact = queueImpact(
      facts(b, ctx.base, ctx.inheritable),
      facts(a, ctx.head, ctx.inheritable),
      ctx.himem,
    );
    if (impact.length) change.impact = impact;
  }
  if (a.kind === "site") addInheritance(change, b, a, ctx);
  return change;
}

/** Site-level defaults: which queues' effective values change, and which override them. */
function addInheritance(change: ObjectChange, b: DiffObject, a: DiffObject, ctx: Context): void {
  const changedDefaults = ctx.inheritable.filter(
    (field) => !deepEqual(defaultsOf(b)[field], defaultsOf(a)[field]),
  );
  if (changedDefaults.length === 0) return;
  const affected: string[] = [];
  const unaffected: string[] = [];
  const impact = [];
  const queuesBefore = new Map(
    ctx.base.filter((o) => o.kind === "queue" && o.site === b.name).map((o) => [o.name, o]),
  );
  for (const queue of ctx.head.filter((o) => o.kind === "queue" && o.site === a.name)) {
    const overrides = changedDefaults.every((field) => queue.data[field] !== undefined);
    if (overrides) {
      unaffected.push(queue.name);
      continue;
    }
    const previous = queuesBefore.get(queue.name);
    // Only the site changed for this queue in this diff when its own file is unchanged.
    if (previous && deepEqual(previous.data, queue.data)) {
      affected.push(queue.name);
      impact.push(
        ...queueImpact(
          facts(previous, ctx.base, ctx.inheritable),
          facts(queue, ctx.head, ctx.inheritable),
          ctx.himem,
          queue.name,
        ),
      );
    } else {
      affected.push(queue.name);
    }
  }
  change.affectedQueues = affected.sort();
  change.unaffectedQueues = unaffected.sort();
  if (impact.length) change.impact = [...(change.impact ?? []), ...impact];
}

function defaultsOf(site: DiffObject | undefined): Record<string, unknown> {
  const defaults = site?.data.queue_defaults;
  return defaults !== null && typeof defaults === "object" ? (defaults as Record<string, unknown>) : {};
}

function facts(queue: DiffObject, revision: DiffObject[], inheritable: string[]): QueueFacts {
  const site = revision.find((o) => o.kind === "site" && o.name === queue.site);
  const defaults = defaultsOf(site);
  const value = (field: string): number | undefined => {
    const own = queue.data[field];
    const inherited = inheritable.includes(field) ? defaults[field] : undefined;
    const v = own ?? inherited;
    return typeof v === "number" ? v : undefined;
  };
  const catchall = typeof queue.data.catchall === "string" ? parseCatchall(queue.data.catchall) : new Map();
  return {
    ...optional("corecount", value("corecount")),
    ...optional("corepower", value("corepower")),
    ...optional("maxrss", value("maxrss")),
    ...optional("maxtime", value("maxtime")),
    perCoreMemory: catchall.has("per_core_attr"),
  };
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
