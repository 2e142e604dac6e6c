// Generates src/core/generated/*.ts from schemas/*.schema.json; `--check` fails when they are stale.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schemasDir = join(root, "schemas");
const outDir = join(root, "src", "core", "generated");
const kinds = ["queue", "site", "cloud", "config"];
const check = process.argv.includes("--check");

const banner = "// Generated from schemas/%s.schema.json by `npm run gen:types`. Do not edit.";
const stale = [];
await mkdir(outDir, { recursive: true });
for (const kind of kinds) {
  const schema = JSON.parse(await readFile(join(schemasDir, `${kind}.schema.json`), "utf8"));
  const ts = await compile(namedTypesOnly(schema), `${kind}`, {
    cwd: schemasDir,
    bannerComment: banner.replace("%s", kind),
    additionalProperties: false,
    style: { printWidth: 110 },
    strictIndexSignatures: true,
  });
  const target = join(outDir, `${kind}.ts`);
  const current = await readFile(target, "utf8").catch(() => "");
  if (current === ts) continue;
  if (check) stale.push(target);
  else await writeFile(target, ts);
}
if (stale.length > 0) {
  console.error(
    `Generated types are stale: ${stale.join(", ")}. Run \`npm run gen:types\` and commit the result.`,
  );
  process.exit(1);
}

/**
 * Property titles are labels for people (changelogs, messages), not type names: keep titles only on
 * the root and on $defs so the generated module exports one interface per object, not one alias per field.
 */
function namedTypesOnly(schema) {
  const strip = (node, keep) => {
    if (Array.isArray(node)) return node.map((item) => strip(item, false));
    if (node === null || typeof node !== "object") return node;
    const out = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "title" && !keep) continue;
      if (key === "$defs") {
        out[key] = Object.fromEntries(Object.entries(value).map(([name, def]) => [name, strip(def, true)]));
      } else if (key === "default" || key === "enum" || key === "examples") {
        out[key] = value;
      } else {
        out[key] = strip(value, false);
      }
    }
    return out;
  };
  return strip(schema, true);
}
