import { CLOUDS } from "../tree/layout.js";
import { aType, type Dump, type DumpProblem, isObject, type Json, jsonType, SAFE_NAME } from "./model.js";
import { allowsNull, schemaWalker, typeMismatches } from "./schema-walk.js";

/** More than this many problems are summarised: a wholly wrong dump needs one fix, not 700 lines. */
const MAX_PROBLEMS = 50;

/**
 * Everything that would stop an import, found before anything is written: names that cannot be
 * file names, names that collide without case, unknown clouds, sites in two clouds, and values
 * whose JSON type the queue schema does not accept. Range, enum and pattern problems are left
 * to validation of the resulting tree, which points at the file and line.
 */
export function checkQueueDump(dump: Dump, queueSchema: Json): DumpProblem[] {
  const problems: DumpProblem[] = [];
  const walker = schemaWalker(queueSchema);
  const properties = isObject(queueSchema.properties) ? queueSchema.properties : {};
  const byLowerName = new Map<string, string>();
  const sites = new Map<string, { cloud: unknown; queue: string }>();
  const siteByLower = new Map<string, string>();
  for (const [key, queue] of dump.objects) {
    const add = (field: string | undefined, what: string) =>
      problems.push({
        source: dump.source,
        object: key,
        ...(field !== undefined ? { field } : {}),
        message: `${dump.source}: queue \`${key}\`${field !== undefined ? `, field \`${field}\`` : ""}: ${what}`,
      });
    if (queue.name !== undefined && queue.name !== key) {
      add(
        "name",
        `the queue is listed under \`${key}\` but its name is ${JSON.stringify(queue.name)}. CRIC lists every queue under its name; fix the dump so both agree.`,
      );
    }
    const unsafe = unsafeReason(key);
    if (unsafe) {
      add(
        undefined,
        `the name ${unsafe}; it becomes a file name (sites/<CLOUD>/<SITE>/queues/<NAME>.yaml). Rename the queue in CRIC to letters, digits, \`_\` and \`-\`, starting with a letter or digit.`,
      );
    }
    const clash = byLowerName.get(key.toLowerCase());
    if (clash !== undefined) {
      add(
        undefined,
        `the name differs from queue \`${clash}\` only by case; PanDA and file systems treat them as one. Rename or remove one of them in CRIC.`,
      );
    } else byLowerName.set(key.toLowerCase(), key);
    const cloud = queue.cloud;
    if (typeof cloud !== "string" || !(CLOUDS as readonly string[]).includes(cloud)) {
      add(
        "cloud",
        cloud === undefined
          ? `the queue has no cloud. Set its cloud in CRIC to one of ${CLOUDS.join(", ")}.`
          : `${JSON.stringify(cloud)} is not one of the 12 clouds (${CLOUDS.join(", ")}). Set the queue's cloud in CRIC to one of them, or leave the queue out of the dump.`,
      );
    }
    const site = queue.atlas_site;
    if (typeof site !== "string") {
      add(
        "atlas_site",
        site === undefined
          ? "the queue has no atlas_site, so siteops cannot tell which site folder it belongs to. Set atlas_site in CRIC."
          : `is ${aType(site)}, but it must be the ATLAS site name (a string). Fix it in CRIC.`,
      );
    } else {
      const siteUnsafe = unsafeReason(site);
      if (siteUnsafe) {
        add(
          "atlas_site",
          `the site name ${siteUnsafe}; it becomes a folder name (sites/<CLOUD>/<SITE>/). Fix atlas_site in CRIC.`,
        );
      }
      const seen = sites.get(site);
      const known = (c: unknown) => typeof c === "string" && (CLOUDS as readonly string[]).includes(c);
      if (seen && known(cloud) && known(seen.cloud) && seen.cloud !== cloud) {
        add(
          "cloud",
          `the queue is in cloud ${cloud} but queue \`${seen.queue}\` of the same site ${site} is in cloud ${seen.cloud}; a site is in one cloud. Fix the cloud of one of them in CRIC.`,
        );
      } else if (!seen) sites.set(site, { cloud, queue: key });
      const siteClash = siteByLower.get(site.toLowerCase());
      if (siteClash !== undefined && siteClash !== site) {
        add(
          "atlas_site",
          `site \`${site}\` differs from site \`${siteClash}\` (of other queues) only by case; they would be two folders for one site. Use one spelling in CRIC.`,
        );
      } else siteByLower.set(site.toLowerCase(), site);
    }
    for (const [field, value] of Object.entries(queue)) {
      const schema = isObject(properties[field]) ? properties[field] : undefined;
      if (!schema || (value === null && !allowsNull(walker.resolve(schema)))) continue;
      for (const mismatch of typeMismatches(value, schema, walker, field)) {
        add(mismatch.path, typeAdvice(mismatch.value, mismatch.expected));
      }
    }
  }
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_PROBLEMS),
    {
      source: dump.source,
      message: `${dump.source}: ... and ${problems.length - MAX_PROBLEMS} more problems like these. Fix the ones above first.`,
    },
  ];
}

/** Why a name is not a safe file name, in words; undefined when it is safe. */
export function unsafeReason(name: string): string | undefined {
  if (SAFE_NAME.test(name)) return undefined;
  if (name === "") return "is empty";
  if (name.includes("/") || name.includes("\\")) return `${JSON.stringify(name)} contains a path separator`;
  if (name.includes("..")) return `${JSON.stringify(name)} contains \`..\``;
  if (name.startsWith(".")) return `${JSON.stringify(name)} starts with \`.\``;
  return `${JSON.stringify(name)} contains characters other than letters, digits, \`_\` and \`-\``;
}

const TYPE_WORD: Record<string, string> = {
  integer: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  null: "null",
};

function typeAdvice(value: unknown, expected: string[]): string {
  const want = expected.map((t) => TYPE_WORD[t] ?? t).join(" or ");
  const shown = JSON.stringify(value);
  const scalar = value === null || typeof value !== "object";
  const got = `${scalar && shown !== undefined && shown.length <= 40 ? `${shown} is ` : "is "}${TYPE_WORD[arrayAware(value)] ?? jsonType(value)}`;
  const quotedNumber =
    typeof value === "string" &&
    value.trim() !== "" &&
    Number.isFinite(Number(value)) &&
    expected.some((t) => t === "integer" || t === "number");
  const fix = quotedNumber
    ? `Write the number without quotes (${Number(value)}) in CRIC or the dump.`
    : `Fix the value in CRIC (or the dump) so it is ${want}.`;
  return `${got}, but it must be ${want}. ${fix}`;
}

function arrayAware(value: unknown): string {
  const type = jsonType(value);
  return type === "list" ? "array" : type;
}
