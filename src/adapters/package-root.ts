import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OperationalError } from "../core/errors.js";

let root: string | undefined;

/**
 * The folder of siteops' own package.json, found by walking up from this module: the shipped
 * schemas/, templates/ and dist/generated/ are located from it, whether this code runs from src/
 * (tests), dist/ (tsc output) or dist/bundle/ (the bundled CLI).
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown };
      if (pkg.name === "siteops") {
        root = dir;
        return dir;
      }
    } catch {
      // no (readable) package.json here: keep walking up
    }
    if (dirname(dir) === dir)
      throw new OperationalError(
        `cannot find the package.json of siteops above ${start}. Reinstall siteops.`,
      );
  }
}

/** A path inside the siteops package, e.g. `packagePath("schemas/")`. */
export function packagePath(relative: string): string {
  return join(packageRoot(), relative);
}
