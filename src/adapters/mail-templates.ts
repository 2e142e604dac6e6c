import { OperationalError } from "../core/errors.js";
import type { MailTemplates } from "../core/mail/model.js";
import { validateTemplate } from "../core/render/changelog.js";
import { readShippedTemplate } from "./templates-fs.js";

/** The shipped mail templates (`templates/mail-text.hbs`, `templates/mail-html.hbs`), checked to compile. */
export async function readMailTemplates(): Promise<MailTemplates> {
  const text = await readShippedTemplate("mail-text.hbs");
  const html = await readShippedTemplate("mail-html.hbs");
  for (const [name, format, source] of [
    ["mail-text.hbs", "text", text],
    ["mail-html.hbs", "html", html],
  ] as const) {
    const problem = validateTemplate(format, source);
    if (problem)
      throw new OperationalError(`templates/${name}: does not compile (${problem}). Reinstall siteops.`);
  }
  return { text, html };
}
