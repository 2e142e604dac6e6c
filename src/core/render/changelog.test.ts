import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DiffReport, FieldChange, ObjectChange, WordPart } from "../diff/model.js";
import { type ChangelogFormat, renderChangelog } from "./changelog.js";

const TEMPLATES = join(import.meta.dirname, "..", "..", "..", "templates");
const templates = {
  markdown: readFileSync(join(TEMPLATES, "changelog.md.hbs"), "utf8"),
  text: readFileSync(join(TEMPLATES, "changelog.txt.hbs"), "utf8"),
  html: readFileSync(join(TEMPLATES, "changelog.html.hbs"), "utf8"),
};
const FORMATS: ChangelogFormat[] = ["markdown", "text", "html"];

function queue(name: string, fields: FieldChange[], more: Partial<ObjectChange> = {}): ObjectChange {
  const file = `sites/US/AGLT2/queues/${name}.yaml`;
  return { kind: "queue", name, cloud: "US", site: "AGLT2", action: "modified", file, fields, ...more };
}
const report = (...changes: ObjectChange[]): DiffReport => ({
  base: "a".repeat(40),
  head: "b".repeat(40),
  changes,
});
const changed = (
  path: string,
  before: unknown,
  after: unknown,
  more: Partial<FieldChange> = {},
): FieldChange => ({
  path,
  action: "changed",
  before,
  after,
  ...more,
});
const render = (r: DiffReport, format: ChangelogFormat, maxLength?: number) =>
  renderChangelog(r, {}, format, templates, maxLength === undefined ? {} : { maxLength });
const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const lineWith = (text: string, needle: string) => text.split("\n").find((line) => line.includes(needle));

describe("renderChangelog: HTML", () => {
  it("escapes every value taken from the report and the meta", () => {
    const raw = {
      name: 'Q<1>&"n"',
      site: 'S<2>&"s"',
      file: 'sites/US/x/queues/<f>&"f".yaml',
      path: 'params.<p>&"p"',
      label: 'Label <l>&"l"',
      before: '<b>&"before"</b>',
      after: '<i>&"after"</i>',
      queue: 'A<q>&"q"',
      impact: 'Impact <w>&"w"',
      ticket: 'GGUS:<t>&"1"',
      url: 'https://helpdesk.example/<u>&"u"',
    };
    const change = queue(raw.name, [changed(raw.path, raw.before, raw.after, { label: raw.label })], {
      site: raw.site,
      file: raw.file,
      affectedQueues: [raw.queue],
      impact: [{ what: raw.impact, before: "1", after: "2" }],
    });

    const html = renderChangelog(
      report(change),
      { tickets: [{ id: raw.ticket, url: raw.url }] },
      "html",
      templates,
    );

    for (const value of Object.values(raw)) {
      expect(html).not.toContain(value);
      expect(html).toContain(escapeHtml(value));
    }
  });

  it("renders word differences as <del>/<ins> with the words escaped", () => {
    const words: WordPart[] = [
      { text: "keep " },
      { text: "<x>&", change: "removed" },
      { text: "new", change: "added" },
    ];
    const field = changed("container_options", "keep <x>&", "keep new", { words });

    const html = render(report(queue("Q", [field])), "html");

    expect(html).toContain("keep <del>&lt;x&gt;&amp;</del><ins>new</ins>");
  });
});

describe("renderChangelog: markdown tables", () => {
  it("escapes pipes and line breaks in table cells so the row stays one row", () => {
    const field = changed("description", "a|b\nc", "x\r\ny|z", { label: "Label|pipe" });

    const md = render(report(queue("Q|1", [field])), "markdown");

    expect(lineWith(md, "Label")).toBe(
      "| Label\\|pipe (`description`) | a\\|b<br>c | x<br>y\\|z | changed |",
    );
    expect(lineWith(md, "| AGLT2 | US |")).toBe("| AGLT2 | US | Queue Q\\|1 changed |");
  });
});

describe("renderChangelog: word differences", () => {
  const words: WordPart[] = [
    { text: "alpha " },
    { text: "beta", change: "removed" },
    { text: "gamma", change: "added" },
  ];
  const r = report(
    queue("Q", [changed("environ", "alpha beta", "alpha gamma", { label: "Environment", words })]),
  );

  it("marks removed words ~~struck~~ and added words **bold** in markdown", () => {
    expect(lineWith(render(r, "markdown"), "Environment")).toBe(
      "| Environment (`environ`) | alpha beta | alpha ~~beta~~**gamma** | words |",
    );
  });

  it("marks removed words [-x-] and added words {+y+} in text", () => {
    expect(lineWith(render(r, "text"), "Environment")).toBe(
      "  Environment (environ): alpha [-beta-]{+gamma+}",
    );
  });

  it("escapes markdown characters in changed words once, not twice, inside a table cell", () => {
    const special: WordPart[] = [
      { text: "a|b", change: "removed" },
      { text: "c*d", change: "added" },
    ];
    const field = changed("environ", "a|b", "c*d", { label: "Environment", words: special });

    const row = lineWith(render(report(queue("Q", [field])), "markdown"), "Environment");

    expect(row).toBe("| Environment (`environ`) | a\\|b | ~~a\\|b~~**c\\*d** | words |");
  });
});

describe("renderChangelog: relative change", () => {
  const r = report(
    queue("Q", [
      changed("maxrss", 16000, 32000, { unit: "MB", label: "Memory" }),
      changed("maxtime", 200, 100, { unit: "s", label: "Walltime" }),
      changed("maxwdir", 1000, 1051, { unit: "MB", label: "Scratch" }),
      changed("timefloor", 0, 10, { unit: "min", label: "Floor" }),
    ]),
  );

  it("shows +100 %, -50 % and +5.1 % in markdown, and none when the value was 0", () => {
    const md = render(r, "markdown");

    expect(lineWith(md, "| Memory")).toBe("| Memory (`maxrss`) | 16,000 MB | 32,000 MB | +100 % |");
    expect(lineWith(md, "| Walltime")).toBe("| Walltime (`maxtime`) | 200 s | 100 s | -50 % |");
    expect(lineWith(md, "| Scratch")).toBe("| Scratch (`maxwdir`) | 1,000 MB | 1,051 MB | +5.1 % |");
    expect(lineWith(md, "| Floor")).toBe("| Floor (`timefloor`) | 0 min | 10 min | changed |");
  });

  it("shows the same in text, in parentheses", () => {
    const text = render(r, "text");

    expect(lineWith(text, "Memory")).toBe("  Memory (maxrss): 16,000 MB -> 32,000 MB (+100 %)");
    expect(lineWith(text, "Walltime")).toBe("  Walltime (maxtime): 200 s -> 100 s (-50 %)");
    expect(lineWith(text, "Scratch")).toBe("  Scratch (maxwdir): 1,000 MB -> 1,051 MB (+5.1 %)");
    expect(lineWith(text, "Floor")).toBe("  Floor (timefloor): 0 min -> 10 min");
  });
});

describe("renderChangelog: empty report", () => {
  it.each(FORMATS)("says there are no configuration changes in %s", (format) => {
    const out = render(report(), format);

    expect(out).toContain("No configuration changes");
    expect(out).not.toContain("Truncated");
  });
});

describe("renderChangelog: truncation", () => {
  const TOTAL = 40;
  const names = Array.from({ length: TOTAL }, (_, i) => `GEN_Q${String(i).padStart(3, "0")}`);
  const big = report(
    ...names.map((name, i) =>
      queue(name, [
        changed("maxrss", 16000, 16000 + 1000 * (i + 1), { unit: "MB", label: "Maximum memory per slot" }),
        changed("maxtime", 86400, 172800, { unit: "s", label: "Maximum walltime" }),
      ]),
    ),
  );
  const full = render(big, "markdown");
  const shownOf = (out: string) => {
    const note = /Truncated:\*\* showing (\d+) of (\d+) changes \((\d+) not shown/.exec(out);
    return note ? { shown: Number(note[1]), total: Number(note[2]), omitted: Number(note[3]) } : undefined;
  };

  it("leaves a report that fits untouched", () => {
    expect(render(big, "markdown", full.length)).toBe(full);
    expect(full).not.toContain("Truncated");
  });

  it("never exceeds maxLength, whatever the limit", () => {
    for (const max of [1, 50, 500, 1000, 2000, 5000, 8000, full.length - 1]) {
      for (const format of FORMATS) expect(render(big, format, max).length).toBeLessThanOrEqual(max);
    }
  });

  it("keeps whole changes and says how many are shown out of how many", () => {
    const max = Math.floor(full.length / 2);

    const out = render(big, "markdown", max);

    const note = shownOf(out);
    expect(note).toBeDefined();
    const { shown, total, omitted } = note!;
    expect([total, omitted]).toEqual([TOTAL, TOTAL - shown]);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(TOTAL);
    names.forEach((name, i) => {
      const headings = out.split("\n").filter((line) => line === `#### Queue ${name} changed`);
      expect(headings).toHaveLength(i < shown ? 1 : 0);
      if (i >= shown) expect(out).not.toContain(name);
    });
    const rows = out.split("\n").filter((line) => line.startsWith("| Maximum "));
    expect(rows).toHaveLength(2 * shown);
    expect(rows.every((row) => row.endsWith(" |"))).toBe(true);
    expect(out.trimEnd().split("\n").slice(-3, -1)).toEqual(["</details>", ""]);
  });

  it("drops only as many changes as needed", () => {
    const out = render(big, "markdown", full.length - 1);

    expect(shownOf(out)?.shown).toBe(TOTAL - 1);
  });

  it("notes the truncation in text too", () => {
    const text = render(big, "text");

    const out = render(big, "text", Math.floor(text.length / 2));

    expect(out.length).toBeLessThanOrEqual(Math.floor(text.length / 2));
    expect(out.trimEnd()).toMatch(/\n\nTruncated: showing \d+ of 40 changes\.$/);
  });
});
