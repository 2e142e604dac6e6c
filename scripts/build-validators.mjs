// Compiles the JSON Schemas into standalone validation code at build time (ajv standalone), so a
// run does not pay ajv's compile cost at start-up. The file carries a hash of the schemas: a stale
// file is ignored at run time and the schemas are compiled instead.
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import addFormats from "ajv-formats";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = {
  queue: "queue.schema.json",
  site: "site.schema.json",
  cloud: "cloud.schema.json",
  config: "config.schema.json",
};
const { SCHEMA_ANNOTATIONS, AJV_OPTIONS } = await import(
  join(root, "dist", "core", "validate", "ajv-options.js")
);
const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
addFormats.default(ajv, ["email", "date", "uri"]);
ajv.addVocabulary(SCHEMA_ANNOTATIONS);
const hash = createHash("sha256");
for (const [kind, file] of Object.entries(files)) {
  const text = await readFile(join(root, "schemas", file), "utf8");
  hash.update(`${kind}\0${JSON.stringify(JSON.parse(text))}\0`);
  ajv.addSchema(JSON.parse(text), file);
}
const code = standaloneCode.default(ajv, files);
const out = join(root, "dist", "generated", "validators.cjs");
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${code}\nexports.schemaHash = ${JSON.stringify(hash.digest("hex"))};\n`);
// Loading 300 kB of generated code is mostly compiling it: its V8 code cache goes beside it, made
// after one call of each validator so that their functions are compiled into it too.
const { writeCodeCache } = await import(join(root, "dist", "adapters", "code-cache.js"));
writeCodeCache(out, {
  warm: (validators) => {
    for (const kind of Object.keys(files)) validators[kind]({});
  },
});
