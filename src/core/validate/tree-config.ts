import { type ResolvedConfig, resolveConfig } from "../config.js";
import { readYaml } from "../load/read-yaml.js";
import type { Problem, SourceFile } from "../model.js";
import { makeProblem } from "../problem.js";
import { compileTicketPatterns } from "../tickets.js";
import type { SchemaSet, SchemaValidator } from "./schema-validator.js";

/** Reads `siteops.config.yaml` (defaults when absent or invalid), with the problems it has. */
export function loadTreeConfig(
  file: SourceFile | undefined,
  schemas: SchemaSet,
  validator: SchemaValidator,
): { config: ResolvedConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  return { config: loadConfig(file, schemas, validator, problems), problems };
}

function loadConfig(
  file: SourceFile | undefined,
  schemas: SchemaSet,
  validator: SchemaValidator,
  problems: Problem[],
): ResolvedConfig {
  if (!file) return resolveConfig({}, schemas.config);
  const parsed = readYaml(file.path, file.bytes, { maxBytes: 1_048_576 });
  problems.push(...parsed.problems);
  if (parsed.data === undefined) return resolveConfig({}, schemas.config);
  const configProblems = validator.validate("config", parsed.data, {
    file: file.path,
    locate: parsed.locate,
    unmanaged: new Map(),
  });
  problems.push(...configProblems);
  if (configProblems.length) return resolveConfig({}, schemas.config);
  const config = resolveConfig(parsed.data, schemas.config);
  for (const { index, message } of compileTicketPatterns(config.raw.tickets?.patterns ?? []).errors) {
    const path = ["tickets", "patterns", index, "regex"];
    const pos = parsed.locate(path);
    problems.push(
      makeProblem(
        {
          code: "config-invalid-regex",
          file: file.path,
          path,
          message: `${file.path}:${pos.line}:${pos.column}: ticket pattern is not a valid regular expression (${message}). Fix the expression.`,
        },
        parsed.locate,
      ),
    );
  }
  return config;
}
