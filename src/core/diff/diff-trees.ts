import { inheritableFields } from "../config.js";
import type { FileKind } from "../model.js";
import { compareNames } from "../order.js";
import { SchemaIndex as Index, type SchemaIndex, type SchemaNode } from "../schema-index.js";
import type { SchemaSet } from "../validate/schema-validator.js";
import { compareFields, deepEqual, listFields, parseCatchall } from "./compare.js";
import { type QueueFacts, queueImpact } from "./impact.js";
import type { ChangeKind, DiffReport, ObjectChange } from "./model.js";
import { type DiffObject, type RevisionObjects, readObjects } from "./objects.js";

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

/** Both revisions already read into objects (see readObjects), e.g. while git was still reading files. */
export interface ObjectsInput {
  base: { id: string; objects: RevisionObjects };
  head: { id: string; objects: RevisionObjects };
  schemas: SchemaSet;
  himemMbPerCore: number;
}

export type DiffResultWithProblems = DiffReport & { problems: RevisionObjects["problems"] };

const KIND_ORDER: Record<ChangeKind, number> = { cloud: 0, site: 1, ddmendpoint: 2, queue: 3 };
const KINDS: ChangeKind[] = ["cloud", "site", "ddmendpoint", "queue"];

const compareText = compareNames;

/** The semantic diff of two revisions: objects matched by name, fields compared by the schemas. */
export function diffRevisions(input: DiffInput): DiffResultWithProblems {
  const base = readObjects(input.base.files);
  const head = readObjects(input.head.files, base);
  return diffObjects({
    base: { id: input.base.id, objects: base },
    head: { id: input.head.id, objects: head },
    schemas: input.schemas,
    himemMbPerCore: input.himemMbPerCore,
  });
}

/** The semantic diff of two revisions whose files are already read into objects. */
export function diffObjects(input: ObjectsInput): DiffResultWithProblems {
  const index = new Index(input.schemas);
  const base = input.base.objects;
  const head = input.head.objects;
  const inheritable = inheritableFields(input.schemas.queue);
  const before = indexRevision(base.objects);
  const after = indexRevision(head.objects);
  const context = {
    index,
    inheritable,
    himem: input.himemMbPerCore,
    base: before,
    head: after,
    unreadable: { base: base.unreadable, head: head.unreadable },
  };
  // Kind by kind, in report order: the sort below then finds runs already in order.
  const changes: ObjectChange[] = [];
  for (const kind of KINDS) {
    const b = before.byKind.get(kind) ?? new Map<string, DiffObject>();
    const a = after.byKind.get(kind) ?? new Map<string, DiffObject>();
    for (const [name, object] of b) {
      const change = describe(object, a.get(name), context);
      if (change) changes.push(change);
    }
    for (const [name, object] of a) {
      if (b.has(name)) continue;
      const change = describe(undefined, object, context);
      if (change) changes.push(change);
    }
  }
  changes.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      compareText(a.cloud, b.cloud) ||
      compareText(a.site ?? "", b.site ?? "") ||
      compareText(a.name, b.name),
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
  base: RevisionIndex;
  head: RevisionIndex;
  unreadable: { base: ReadonlySet<string>; head: ReadonlySet<string> };
}

/** The objects of one revision by name: a diff of hundreds of queues must not scan all objects per queue. */
interface RevisionIndex {
  /** Objects by kind, then name; a later object of the same name replaces an earlier one. */
  byKind: Map<ChangeKind, Map<string, DiffObject>>;
  /** The first site object of each name, as a scan in file order would find it. */
  sites: Map<string, DiffObject>;
  /** The queues of each site, in file order. */
  queuesBySite: Map<string, DiffObject[]>;
}

function indexRevision(objects: readonly DiffObject[]): RevisionIndex {
  const byKind = new Map<ChangeKind, Map<string, DiffObject>>();
  const sites = new Map<string, DiffObject>();
  const queuesBySite = new Map<string, DiffObject[]>();
  for (const o of objects) {
    const named = byKind.get(o.kind);
    if (named) named.set(o.name, o);
    else byKind.set(o.kind, new Map([[o.name, o]]));
    if (o.kind === "site" && !sites.has(o.name)) sites.set(o.name, o);
    if (o.kind === "queue" && o.site !== undefined) {
      const queues = queuesBySite.get(o.site);
      if (queues) queues.push(o);
      else queuesBySite.set(o.site, [o]);
    }
  }
  return { byKind, sites, queuesBySite };
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
  // A file that is the same in both revisions yields the very same objects (see readObjects).
  if (a === b) return undefined;
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
  const queuesBefore = new Map((ctx.base.queuesBySite.get(b.name) ?? []).map((o) => [o.name, o]));
  for (const queue of ctx.head.queuesBySite.get(a.name) ?? []) {
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

/** The effective values of a queue: its own, else its site's default for an inheritable field. */
function facts(queue: DiffObject, revision: RevisionIndex, inheritable: string[]): QueueFacts {
  const site = queue.site === undefined ? undefined : revision.sites.get(queue.site);
  const defaults = defaultsOf(site);
  const value = (field: string): number | undefined => {
    const v = queue.data[field] ?? (inheritable.includes(field) ? defaults[field] : undefined);
    return typeof v === "number" ? v : undefined;
  };
  const catchall = queue.data.catchall;
  const out: QueueFacts = {
    perCoreMemory: typeof catchall === "string" && parseCatchall(catchall).has("per_core_attr"),
  };
  // Named properties: one object shape for all queues, where keyed stores would make many.
  const corecount = value("corecount");
  const corepower = value("corepower");
  const maxrss = value("maxrss");
  const maxtime = value("maxtime");
  if (corecount !== undefined) out.corecount = corecount;
  if (corepower !== undefined) out.corepower = corepower;
  if (maxrss !== undefined) out.maxrss = maxrss;
  if (maxtime !== undefined) out.maxtime = maxtime;
  return out;
}
