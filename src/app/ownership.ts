import { buildCodeowners } from "../core/codeowners/generate.js";
import { codeownersLookup } from "../core/codeowners/lookup.js";
import { CODEOWNERS_FILE } from "../core/codeowners/parse.js";
import type { Revision, RevisionReader, SchemaSource } from "../core/ports.js";
import { RevisionConfigSource } from "./revision-source.js";
import { validateRepository } from "./validate.js";

/**
 * Owners of paths as GitHub sees them for a pull request: from the CODEOWNERS file of the base
 * revision (GitHub applies the base branch's file), or generated from the base tree when the
 * repository has none yet.
 */
export async function loadOwnership(
  reader: RevisionReader,
  schemas: SchemaSource,
  base: Revision,
): Promise<(path: string) => string[]> {
  const bytes = (await reader.readFiles(base, [CODEOWNERS_FILE])).get(CODEOWNERS_FILE);
  let text: string;
  if (bytes) {
    text = new TextDecoder().decode(bytes);
  } else {
    const { tree } = await validateRepository({ source: new RevisionConfigSource(reader, base), schemas });
    text = buildCodeowners(tree).text;
  }
  return codeownersLookup(text);
}
