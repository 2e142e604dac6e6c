import type { ParseResult } from "../core/load/parse-yaml.js";
import { readYaml } from "../core/load/read-yaml.js";
import type { SourceFile } from "../core/model.js";
import type { Revision, RevisionReader, SchemaSource } from "../core/ports.js";
import { CONFIG_FILE, classifyPath, SITES_DIR } from "../core/tree/layout.js";
import { endpointNames } from "../core/validate/check-file.js";
import { createSchemaValidator } from "../core/validate/schema-validator.js";
import {
  type ParsedFiles,
  parentNames,
  queueContext,
  scopeNeedles,
  scopeReport,
} from "../core/validate/scope.js";
import { TreeIndex } from "../core/validate/tree-index.js";
import { type TreeReport, validateTree } from "../core/validate/validate-tree.js";
import { RevisionConfigSource } from "./revision-source.js";
import { validateRepository } from "./validate.js";

export interface ChangeValidation {
  report: TreeReport;
  /** `scoped` read only what the change can affect; `full` read the whole tree. */
  mode: "scoped" | "full";
  /** Files whose problems are reported (all files, when full). */
  reported: number;
  /** Files read. */
  read: number;
}

/**
 * Validates the head of a change as far as the change can affect it (see `core/validate/scope.ts`):
 * the result equals a full validation of the head on every file it reports on. A change to the
 * configuration, or a reader that cannot search, means the whole tree is validated.
 */
export async function validateChange(options: {
  reader: RevisionReader;
  schemas: SchemaSource;
  base: Revision;
  head: Revision;
}): Promise<ChangeValidation> {
  const { reader, base, head } = options;
  const changed = await reader.changedPaths(base, head);
  if (!reader.grep || changed.includes(CONFIG_FILE)) {
    const report = await validateRepository({
      source: new RevisionConfigSource(reader, head),
      schemas: options.schemas,
    });
    const total = report.counts.clouds + report.counts.sites + report.counts.queues;
    return { report, mode: "full", reported: total, read: total };
  }
  const grep = reader.grep.bind(reader);
  // The listing and the settings are read while the changed files are parsed.
  const rest = Promise.all([
    options.schemas.readSchemas(),
    options.schemas.readPrecompiled?.(),
    reader.listFiles(head, `${SITES_DIR}/`),
    reader.readFiles(head, [CONFIG_FILE]),
  ]);
  rest.catch(() => {});
  const [baseBytes, headBytes] = await Promise.all([
    reader.readFiles(base, changed),
    reader.readFiles(head, changed),
  ]);
  const contents = new Map(headBytes);
  // Each file is parsed once here; the validation below reuses it.
  const parsed = new Map<string, ParseResult>();
  const parse = (path: string) => {
    const bytes = contents.get(path);
    if (!bytes) return undefined;
    let result = parsed.get(path);
    if (!result) {
      result = readYaml(path, bytes, { maxBytes: Number.MAX_SAFE_INTEGER });
      parsed.set(path, result);
    }
    return result.data;
  };
  const changedAtHead = new Map(
    changed.flatMap((path) => (contents.has(path) ? [[path, parse(path) ?? {}] as const] : [])),
  );
  // git searches the whole tree for the names while the rest is listed and read.
  const needles = scopeNeedles({ changed, base: parseAll(baseBytes), head: changedAtHead });
  const searches = Promise.all([
    grep(head, needles.queueNeedles, SITES_DIR),
    grep(head, needles.siteNeedles, SITES_DIR),
  ]);
  searches.catch(() => {});
  const [schemas, precompiled, listing, configBytes] = await rest;
  const index = new TreeIndex(listing);
  const report = scopeReport({ changed, index, head: changedAtHead });
  const read = async (paths: Iterable<string>) => {
    const missing = [...paths].filter((path) => !contents.has(path));
    for (const [path, bytes] of await reader.readFiles(head, missing)) contents.set(path, bytes);
  };
  // The rules of a reported queue read its site, its parent and the sites of its endpoints.
  const context = new Set<string>();
  const endpoints = new Set<string>();
  const addContext = (paths: Iterable<string>) => {
    const list = [...paths];
    index.prefetchQueueNames(parentNames(list.map(parse)));
    for (const path of list) {
      const needs = queueContext(index, path, parse(path));
      for (const file of needs.files) context.add(file);
      for (const name of needs.endpoints) endpoints.add(name);
    }
  };
  await read(report);
  addContext(report);
  await read(context);
  const [referrers, clashes] = await searches;
  const found = [
    ...referrers.filter((path) => classifyPath(path).kind === "queue"),
    ...clashes.filter((path) => classifyPath(path).kind === "site"),
  ].filter((path) => !report.has(path));
  for (const path of found) report.add(path);
  await read(found);
  addContext(found);
  await read(context);
  let unresolved = unresolvedEndpoints(endpoints, [...report, ...context], parse);
  if (unresolved.length) {
    const declaring = await grep(head, unresolved, SITES_DIR);
    for (const path of declaring) if (classifyPath(path).kind === "site") context.add(path);
    await read(context);
    unresolved = unresolvedEndpoints(unresolved, context, parse);
    // An unknown endpoint is reported with the closest declared name: that needs every site.
    if (unresolved.length) for (const path of index.allSiteFiles()) context.add(path);
    await read(context);
  }
  const files: SourceFile[] = [...new Set([...report, ...context])]
    .filter((path) => contents.has(path))
    .sort()
    .map((path) => ({ path, bytes: contents.get(path)! }));
  const configBody = configBytes.get(CONFIG_FILE);
  const validator = createSchemaValidator(schemas, precompiled);
  const result = validateTree(
    {
      files,
      readProblems: [],
      configFile: configBody ? { path: CONFIG_FILE, bytes: configBody } : undefined,
      schemas,
      alreadyRead: parsed,
      scope: {
        paths: index,
        ...index.containers(changed),
        queueFiles: () => index.queueFiles,
        report,
      },
    },
    validator,
  );
  return { report: result, mode: "scoped", reported: report.size, read: files.length };
}

function parseAll(files: ReadonlyMap<string, Uint8Array>): ParsedFiles {
  const out = new Map<string, Record<string, unknown>>();
  for (const [path, bytes] of files) {
    const data = readYaml(path, bytes, { maxBytes: Number.MAX_SAFE_INTEGER }).data;
    if (data) out.set(path, data);
  }
  return out;
}

function unresolvedEndpoints(
  names: Iterable<string>,
  sitePaths: Iterable<string>,
  parse: (path: string) => Record<string, unknown> | undefined,
): string[] {
  const declared = new Set<string>();
  for (const path of sitePaths) {
    if (classifyPath(path).kind === "site") for (const name of endpointNames(parse(path))) declared.add(name);
  }
  return [...names].filter((name) => !declared.has(name));
}
