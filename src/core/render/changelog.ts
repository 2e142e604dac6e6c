import Handlebars from "handlebars";
import type { DiffReport, WordPart } from "../diff/model.js";
import { buildChangelogContext, type ChangelogContext, type ChangelogMeta } from "./context.js";

export type ChangelogFormat = "markdown" | "text" | "html";

/** Template sources by format; shipped in `templates/`, overridable per repository. */
export type ChangelogTemplates = Record<ChangelogFormat, string>;

/** GitHub refuses issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface RenderOptions {
  /** Longest output accepted; past it, whole changes are dropped from the end and a note says so. */
  maxLength?: number;
}

/**
 * Renders the changelog of a diff through a handlebars template. HTML escapes every value;
 * markdown and text do not (they escape table cells where needed through helpers).
 */
export function renderChangelog(
  report: DiffReport,
  meta: ChangelogMeta,
  format: ChangelogFormat,
  templates: ChangelogTemplates,
  options: RenderOptions = {},
): string {
  const template = compile(format, templates[format]);
  const render = (limit?: number) => template(buildChangelogContext(report, meta, limit));
  const full = render();
  const max = options.maxLength;
  if (max === undefined || full.length <= max) return full;
  // Binary search for the most changes that fit; each change is a section boundary.
  let low = 0;
  let high = report.changes.length - 1;
  let best = render(0);
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const text = render(mid);
    if (text.length <= max) {
      best = text;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return best.length <= max ? best : best.slice(0, max);
}

/** Renders any context through a template of a format's environment (same helpers as changelogs). */
export function renderTemplate(format: ChangelogFormat, source: string, context: unknown): string {
  return environment(format).compile(source, { noEscape: format !== "html", preventIndent: true })(context);
}

/** Checks a template compiles, so a repository's override fails at load time with its name. */
export function validateTemplate(format: ChangelogFormat, source: string): string | undefined {
  try {
    compile(format, source)({} as ChangelogContext);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const cache = new Map<string, HandlebarsTemplateDelegate<ChangelogContext>>();

function compile(format: ChangelogFormat, source: string): HandlebarsTemplateDelegate<ChangelogContext> {
  const key = `${format}\u0000${source}`;
  let template = cache.get(key);
  if (!template) {
    template = environment(format).compile<ChangelogContext>(source, {
      noEscape: format !== "html",
      strict: false,
      preventIndent: true,
    });
    cache.set(key, template);
  }
  return template;
}

const environments = new Map<ChangelogFormat, typeof Handlebars>();

function environment(format: ChangelogFormat): typeof Handlebars {
  let env = environments.get(format);
  if (env) return env;
  env = Handlebars.create();
  env.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  env.registerHelper("plural", (count: number, singular: string, plural: string) =>
    count === 1 ? singular : typeof plural === "string" ? plural : `${singular}s`,
  );
  env.registerHelper("join", (list: unknown, separator: unknown) =>
    Array.isArray(list) ? list.join(typeof separator === "string" ? separator : ", ") : "",
  );
  // A markdown table cell: pipes and newlines would break the table. Backslashes are left alone so
  // escapes made by other helpers (word diffs) survive.
  env.registerHelper("cell", (value: unknown) =>
    String(value ?? "")
      .replace(/\|/g, "\\|")
      .replace(/\r?\n/g, "<br>"),
  );
  env.registerHelper("words", (parts: WordPart[] | undefined) => renderWords(format, parts ?? []));
  environments.set(format, env);
  return env;
}

function renderWords(format: ChangelogFormat, parts: readonly WordPart[]): string | Handlebars.SafeString {
  if (format === "html") {
    const html = parts
      .map((p) => {
        const text = Handlebars.escapeExpression(p.text);
        return p.change === "added"
          ? `<ins>${text}</ins>`
          : p.change === "removed"
            ? `<del>${text}</del>`
            : text;
      })
      .join("");
    return new Handlebars.SafeString(html);
  }
  if (format === "markdown") {
    return parts
      .map((p) => {
        const text = p.text.replace(/([`*_~\\])/g, "\\$1");
        return p.change === "added" ? `**${text}**` : p.change === "removed" ? `~~${text}~~` : text;
      })
      .join("");
  }
  return parts
    .map((p) => (p.change === "added" ? `{+${p.text}+}` : p.change === "removed" ? `[-${p.text}-]` : p.text))
    .join("");
}
