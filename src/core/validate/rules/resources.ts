import type { Problem } from "../../model.js";
import { makeProblem } from "../../problem.js";
import { sitesByName } from "../../tree/tree.js";
import { type Rule, where } from "./context.js";

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** Default ports per CE flavour; another port is legal but usually a copy-paste slip. */
const FLAVOUR_PORTS: Record<string, number[]> = {
  "HTCONDOR-CE": [9619, 9618],
  "ARC-CE": [443, 2811, 8443],
  "CREAM-CE": [8443],
};

/** CEs are addressed as `host:port`, once per queue; Harvester submits to exactly that string. */
export const computeElements: Rule = ({ tree }) => {
  const problems: Problem[] = [];
  for (const queue of tree.queues) {
    const seen = new Map<string, number>();
    (queue.data.queues ?? []).forEach((ce, index) => {
      const path = ["queues", index, "ce_endpoint"];
      const match = /^(.+):(\d{1,5})$/.exec(ce.ce_endpoint);
      const port = match ? Number(match[2]) : Number.NaN;
      if (!match || !HOSTNAME.test(match[1]!) || !match[1]!.includes(".") || port < 1 || port > 65535) {
        problems.push(
          makeProblem(
            {
              code: "ce-endpoint-format",
              file: queue.file,
              path,
              message: `${where(queue, path)}: CE endpoint \`${ce.ce_endpoint}\` is not \`host:port\` with a fully qualified host name and a port from 1 to 65535. Write it like \`ce503.cern.ch:9619\`.`,
            },
            queue.locate,
          ),
        );
      } else if (!(FLAVOUR_PORTS[ce.ce_flavour] ?? []).includes(port)) {
        problems.push(
          makeProblem(
            {
              code: "ce-port-flavour",
              severity: "warning",
              file: queue.file,
              path,
              message: `${where(queue, path)}: port ${port} is unusual for a ${ce.ce_flavour} (usually ${(FLAVOUR_PORTS[ce.ce_flavour] ?? []).join(" or ")}). Check the port and ce_flavour.`,
            },
            queue.locate,
          ),
        );
      }
      const key = ce.ce_endpoint.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(
          makeProblem(
            {
              code: "duplicate-ce",
              file: queue.file,
              path,
              message: `${where(queue, path)}: CE \`${ce.ce_endpoint}\` is listed twice (also at queues[${first}]). Remove one entry.`,
            },
            queue.locate,
          ),
        );
      } else {
        seen.set(key, index);
      }
    });
  }
  return problems;
};

function himemLimits(params: Record<string, unknown> | undefined): string[] {
  return Object.entries(params ?? {})
    .filter(
      ([key, value]) =>
        /^resource_type_limits\.[A-Z]+_HIMEM$/.test(key) && typeof value === "number" && value > 0,
    )
    .map(([key]) => key.slice("resource_type_limits.".length));
}

/**
 * PanDA brokers HIMEM jobs (more than the threshold per core) only where maxrss per core allows them.
 * A queue that promises HIMEM (by name or by resource_type_limits) but cannot hold it gets jobs that
 * fail; a queue that does not promise it but is configured for it hides capacity.
 */
export const himemCoherence: Rule = ({ tree, settings }) => {
  const problems: Problem[] = [];
  for (const queue of tree.queues) {
    const q = queue.data;
    if (q.is_virtual) continue;
    const perCore = /(^|,)per_core_attr(=|,|$)/.test(q.catchall ?? "")
      ? q.maxrss
      : q.maxrss / Math.max(1, q.corecount);
    const byName = /HIMEM/i.test(q.name);
    const limits = himemLimits(q.params as Record<string, unknown> | undefined);
    // perCore is NaN when maxrss or corecount was pruned for a schema error: no verdict then.
    if ((byName || limits.length > 0) && perCore <= settings.himemMbPerCore) {
      const reason = byName
        ? "its name says HIMEM"
        : `params set resource_type_limits for ${limits.join(", ")}`;
      problems.push(
        makeProblem(
          {
            code: "himem-incoherent",
            file: queue.file,
            path: ["maxrss"],
            message: `${where(queue, ["maxrss"])}: ${reason}, but maxrss ${q.maxrss} MB over ${q.corecount} core(s) is ${Math.round(perCore)} MB per core, not above the HIMEM threshold of ${settings.himemMbPerCore} MB per core. Raise maxrss above ${settings.himemMbPerCore * Math.max(1, q.corecount)} MB or drop the HIMEM promise.`,
          },
          queue.locate,
        ),
      );
    }
  }
  return problems;
};

/** PanDA computes HS06 per job as corecount x corepower: a queue that runs jobs needs one. */
export const corepowerDefined: Rule = ({ tree }) => {
  const sites = sitesByName(tree);
  const problems: Problem[] = [];
  for (const queue of tree.queues) {
    if (queue.data.is_virtual || queue.pruned?.has("corepower")) continue;
    // The queue's own value, else its site's default: the effective value, without copying the queue.
    if (queue.data.corepower !== undefined) continue;
    if (sites.get(queue.data.atlas_site)?.data.queue_defaults?.corepower !== undefined) continue;
    problems.push(
      makeProblem(
        {
          code: "corepower-undefined",
          file: queue.file,
          path: [],
          message: `${queue.file}:1:1: queue \`${queue.data.name}\` has no corepower and its site sets no queue_defaults.corepower. Set corepower (HS23 per core) on the queue or on the site.`,
        },
        queue.locate,
      ),
    );
  }
  return problems;
};

const TIER_LEVEL: Record<string, number> = { T0: 0, T1: 1, T2: 2, T2D: 2, T3: 3 };

export const tierCoherence: Rule = ({ tree }) => {
  const problems: Problem[] = [];
  for (const site of tree.sites) {
    const expected = TIER_LEVEL[site.data.tier];
    if (
      expected !== undefined &&
      typeof site.data.tier_level === "number" &&
      site.data.tier_level !== expected
    ) {
      problems.push(
        makeProblem(
          {
            code: "tier-mismatch",
            file: site.file,
            path: ["tier_level"],
            message: `${where(site, ["tier_level"])}: tier_level ${site.data.tier_level} does not match tier ${site.data.tier} (tier_level ${expected}). Set tier_level to ${expected} or fix tier.`,
          },
          site.locate,
        ),
      );
    }
  }
  return problems;
};

/** catchall is parsed by PanDA as `key` or `key=value` items separated by commas. */
export const catchallSyntax: Rule = ({ tree }) => {
  const problems: Problem[] = [];
  for (const queue of tree.queues) {
    const catchall = queue.data.catchall;
    if (!catchall) continue;
    const keys = new Set<string>();
    for (const item of catchall.split(",")) {
      const key = item.split("=")[0]!.trim();
      let issue: string | undefined;
      if (item.trim() === "") issue = "has an empty item (two commas in a row, or a trailing comma)";
      else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
        issue = `has an item \`${item}\` whose key is not a plain name`;
      else if (keys.has(key)) issue = `sets \`${key}\` twice`;
      keys.add(key);
      if (issue) {
        problems.push(
          makeProblem(
            {
              code: "catchall-syntax",
              file: queue.file,
              path: ["catchall"],
              message: `${where(queue, ["catchall"])}: catchall ${issue}. Write comma-separated \`key\` or \`key=value\` items, each key once.`,
            },
            queue.locate,
          ),
        );
        break;
      }
    }
  }
  return problems;
};
