import { isObject, type Json, type Note } from "./model.js";

/**
 * What CRIC's `<field>_data` report says about one queue's inheritable value (corepower,
 * coreenergy, maxdiskio). Two shapes are known:
 * - 2022: `{corepower, corepower_on, parent_corepower(_on), parent_site_corepower(_on), parent_rc_site_corepower}`;
 *   `corepower_on: true` means the queue sets its own value.
 * - 2026: `{corepower, scope: "local" | "site" | "rcsite" | ...}`; the value is the one at that scope.
 */
export interface InheritanceFacts {
  /** The queue sets the value itself (or takes it from its virtual parent, which siteops does not model). */
  own: boolean;
  /** The value CRIC reports for the site (PanDA site, else resource centre), when it reports one. */
  siteValue?: number;
  /** How the facts were read, for the report. */
  how: string;
}

/** 2026 scopes that mean "the value comes from the site"; anything else is the queue's own. */
const SITE_SCOPES = new Set(["site", "rcsite", "rc_site", "atlas_site", "panda_site"]);

export function readInheritance(queue: Json, field: string): InheritanceFacts {
  const data = queue[`${field}_data`];
  if (!isObject(data)) return { own: true, how: `no ${field}_data` };
  if (typeof data.scope === "string") {
    const value = data[field];
    if (!SITE_SCOPES.has(data.scope)) return { own: true, how: `${field}_data scope ${data.scope}` };
    return {
      own: false,
      ...(typeof value === "number" ? { siteValue: value } : {}),
      how: `${field}_data scope ${data.scope}`,
    };
  }
  if (`${field}_on` in data || `parent_site_${field}` in data) {
    const site = [data[`parent_site_${field}`], data[`parent_rc_site_${field}`]].find(
      (v): v is number => typeof v === "number",
    );
    const own = data[`${field}_on`] === true || data[`parent_${field}_on`] === true;
    const flag = data[`${field}_on`] === true ? `${field}_on` : `parent_${field}_on`;
    return {
      own,
      ...(site !== undefined ? { siteValue: site } : {}),
      how: own ? `${field}_data ${flag} true` : `${field}_data ${field}_on false`,
    };
  }
  return { own: true, how: `${field}_data in an unknown shape` };
}

export interface SiteInheritance {
  /** Values for the site's queue_defaults, by field. */
  defaults: Record<string, number>;
  /** Per queue: the inheritable fields it leaves to the site (not written to its file). */
  inherits: Map<string, Set<string>>;
  queueNotes: Map<string, Note[]>;
  siteNotes: Note[];
}

/**
 * Decides, for one site, which inheritable values go to `queue_defaults` and which stay on the
 * queues. A queue inherits when CRIC says its value comes from the site and it equals the site
 * value; the site default is the value those queues agree on (or, when every queue overrides it,
 * the site value CRIC reports, so it is not lost). Effective values never change: a queue whose
 * value differs from the default keeps it.
 */
export function planSiteInheritance(
  queues: ReadonlyMap<string, Json>,
  fields: readonly string[],
): SiteInheritance {
  const result: SiteInheritance = { defaults: {}, inherits: new Map(), queueNotes: new Map(), siteNotes: [] };
  const noteQueue = (queue: string, note: Note) => {
    const list = result.queueNotes.get(queue) ?? [];
    list.push(note);
    result.queueNotes.set(queue, list);
  };
  for (const field of fields) {
    const facts = new Map<string, InheritanceFacts>();
    for (const [name, queue] of queues) facts.set(name, readInheritance(queue, field));
    const inheriting = [...facts].filter(([name, f]) => !f.own && f.siteValue === queues.get(name)?.[field]);
    const reported = [...facts].flatMap(([, f]) => (f.siteValue === undefined ? [] : [f.siteValue]));
    const candidates = inheriting.length > 0 ? inheriting.map(([, f]) => f.siteValue!) : reported;
    const distinct = [...new Set(candidates)];
    if (distinct.length > 1) {
      result.siteNotes.push({
        kind: "inherited",
        field: `queue_defaults.${field}`,
        message: `not set: the site's queues report different site values for ${field} (${distinct.join(", ")}); each queue keeps its own value. Set queue_defaults.${field} once the site value is settled.`,
      });
      continue;
    }
    const value = distinct[0];
    if (value === undefined) continue;
    // A default would give a value to queues CRIC serves without one: export would then add it.
    const without = [...queues].filter(([, q]) => q[field] === undefined).map(([name]) => name);
    if (without.length > 0) {
      result.siteNotes.push({
        kind: "inherited",
        field: `queue_defaults.${field}`,
        message: `not set, although CRIC reports ${value} for the site: queues ${without.join(", ")} have no ${field}, and a default would give them one. Each queue keeps its own value.`,
      });
      continue;
    }
    result.defaults[field] = value;
    const from = inheriting.length > 0 ? inheriting.map(([name]) => name) : [...facts.keys()];
    result.siteNotes.push({
      kind: "inherited",
      field: `queue_defaults.${field}`,
      message: `set to ${value}, the site value in the ${field}_data of ${from.join(", ")}.`,
    });
    for (const [name, f] of facts) {
      const own = queues.get(name)?.[field];
      if (!f.own && own === value) {
        const set = result.inherits.get(name) ?? new Set<string>();
        set.add(field);
        result.inherits.set(name, set);
        noteQueue(name, {
          kind: "inherited",
          field,
          message: `${value} is inherited (${f.how}): not written to the queue; site.yaml queue_defaults.${field} holds it.`,
        });
      } else if (!f.own && own !== undefined) {
        noteQueue(name, {
          kind: "inherited",
          field,
          message: `${f.how} says the value comes from the site (${f.siteValue ?? "no value"}), but the queue's ${field} is ${JSON.stringify(own)}: kept on the queue as its own value, so PanDA sees the same value.`,
        });
      }
    }
  }
  return result;
}
