// Validates every GitHub workflow file against the workflow schema (action-validator), so a broken
// workflow fails `npm test` instead of the next pull request.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";

const dir = join(import.meta.dirname, "..", ".github", "workflows");
const files = (await readdir(dir)).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
let failed = 0;
const describe = (error, indent = "  ") => {
  const where = error.path ?? (error.location ? `line ${error.location.line}` : "");
  const lines = [`${indent}${where}: ${error.detail ?? error.title}`];
  for (const state of error.states ?? [])
    for (const inner of state.errors) lines.push(...describe(inner, `${indent}  `));
  return lines;
};
for (const file of files) {
  const state = validateWorkflow(await readFile(join(dir, file), "utf8"));
  if (state.errors.length === 0) continue;
  failed++;
  console.error(`.github/workflows/${file}: not a valid workflow. Fix:`);
  for (const error of state.errors) console.error(describe(error).join("\n"));
}
if (failed > 0) process.exit(1);
console.log(`${files.length} workflow files valid`);
