// The two commits the benchmark times on top of a generated tree: a pull request and a bulk bot run.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rewrite } from "./generate.mjs";

export const PR_CHANGED = 20;
export const BULK_SHARE = 0.1;

/** Draws `n` distinct items. */
function sample(rand, list, n) {
  const pool = [...list];
  const out = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  return out;
}

function replaceLine(text, key, next) {
  const re = new RegExp(`^${key}: (.*)$`, "m");
  const m = re.exec(text);
  if (!m) throw new Error(`no top-level \`${key}\` line to edit`);
  return text.replace(re, `${key}: ${next(m[1])}`);
}

/** Sets the queue's own corepower: replaces its line, or adds one after `corecount`. */
function setCorepower(text, value) {
  if (!/^corepower: /m.test(text)) return text.replace(/^(corecount: .*)$/m, `$1\ncorepower: ${value}`);
  return replaceLine(text, "corepower", (v) =>
    Number(v) === Number(value) ? (Number(value) + 0.01).toFixed(2) : value,
  );
}

/** Typical HEPscore23 per core: the realdata sample's score_per_core when it is there (13.686). */
function corepowerScale(projectRoot) {
  const file = join(projectRoot, "..", "shared", "realdata", "hepbenchmarksuite_result_profile_sample.json");
  if (!existsSync(file)) return 13.686;
  const m = /"score_per_core":\s*([\d.]+)/.exec(readFileSync(file, "utf8"));
  return m ? Number(m[1]) : 13.686;
}

/** Edits of the four kinds a PR usually makes; none takes a value out of range. */
const EDITS = [
  (text) => replaceLine(text, "maxrss", (v) => String(Number(v) + 1000)),
  (text) => replaceLine(text, "maxtime", (v) => String(Number(v) + 43200)),
  (text, i) => setCorepower(text, (12 + (i % 7) * 0.37).toFixed(2)),
  (text) =>
    replaceLine(text, "description", (v) =>
      /^["']/.test(v) ? "Updated after the downtime" : `${v}; updated after the downtime`,
    ),
];

export function commitEdits(projectRoot) {
  const scale = corepowerScale(projectRoot);
  return {
    /** 20 queues changed, 1 added (a copy in the same site), 1 removed (a queue nobody has as parent). */
    pullRequest(tree, rand) {
      const real = tree.queues.filter((q) => !q.virtual);
      const chosen = sample(rand, real, PR_CHANGED + 2);
      const changed = chosen.slice(0, PR_CHANGED);
      const [source, removed] = chosen.slice(PR_CHANGED);
      const write = new Map();
      changed.forEach((q, i) => {
        write.set(q.file, EDITS[i % EDITS.length](tree.files.get(q.file), i));
      });
      const name = `${source.name}-NEW`;
      const added = source.file.replace(/[^/]+\.yaml$/, `${name}.yaml`);
      write.set(
        added,
        rewrite(tree.files.get(source.file), {
          name,
          oldName: source.name,
          ids: new Map(),
          endpoints: new Map(),
          hostTag: "-new",
        }),
      );
      return {
        write,
        remove: [removed.file],
        message: `Queue updates after the January downtime (${PR_CHANGED} queues, 1 new, 1 retired)\n\nTicket: GGUS:1234567\n`,
        expect: { modified: PR_CHANGED, added: 1, removed: 1, files: PR_CHANGED + 2 },
      };
    },
    /** The corepower bot: new HEPscore23 values for 10 % of the queues. */
    bulk(tree, rand) {
      const real = tree.queues.filter((q) => !q.virtual);
      const n = Math.round(tree.queues.length * BULK_SHARE);
      const write = new Map();
      for (const q of sample(rand, real, n)) {
        const value = (scale * (0.75 + rand() * 0.5)).toFixed(2);
        write.set(q.file, setCorepower(tree.files.get(q.file), value));
      }
      return {
        write,
        message: `corepower: HEPscore23 results for ${n} queues\n\nTicket: GGUS:1234568\n`,
        expect: { modified: n, added: 0, removed: 0, files: n },
      };
    },
  };
}
