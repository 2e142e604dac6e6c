import { readFile } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { OperationalError } from "../core/errors.js";
import type { ChangelogFormat, ChangelogTemplates } from "../core/render/changelog.js";
import { validateTemplate } from "../core/render/changelog.js";
import { packagePath } from "./package-root.js";

const SHIPPED_DIR = packagePath("templates/");
const SHIPPED: Record<ChangelogFormat, string> = {
  markdown: "changelog.md.hbs",
  text: "changelog.txt.hbs",
  html: "changelog.html.hbs",
};

/**
 * The changelog templates: the shipped ones, each replaced by the repository's override when
 * siteops.config.yaml names one. An override that does not compile fails with its path.
 */
export async function readChangelogTemplates(
  repositoryRoot: string,
  overrides: Partial<Record<ChangelogFormat, string>>,
): Promise<ChangelogTemplates> {
  const out = {} as ChangelogTemplates;
  for (const format of Object.keys(SHIPPED) as ChangelogFormat[]) {
    const override = overrides[format];
    const root = resolve(repositoryRoot);
    const path = override ? resolve(root, override) : `${SHIPPED_DIR}${SHIPPED[format]}`;
    if (override && !path.startsWith(root + sep)) {
      throw new OperationalError(
        `siteops.config.yaml: changelog.templates.${format} points outside the repository. Use a path inside it.`,
      );
    }
    let source: string;
    try {
      source = await readFile(path, "utf8");
    } catch (error) {
      throw new OperationalError(
        `${override ?? path}: cannot read the ${format} template (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Fix changelog.templates.${format} in siteops.config.yaml.`,
      );
    }
    const problem = validateTemplate(format, source);
    if (problem)
      throw new OperationalError(`${override ?? path}: the ${format} template does not compile: ${problem}`);
    out[format] = source;
  }
  return out;
}

/** A shipped template by file name (e.g. `check.md.hbs`). */
export async function readShippedTemplate(name: string): Promise<string> {
  try {
    return await readFile(`${SHIPPED_DIR}${name}`, "utf8");
  } catch (error) {
    throw new OperationalError(
      `${SHIPPED_DIR}${name}: cannot read the template (${(error as Error).message}). Reinstall siteops.`,
    );
  }
}
