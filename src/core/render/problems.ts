import type { Problem } from "../model.js";
import type { Counts } from "../validate/validate-tree.js";

export type ProblemFormat = "text" | "json" | "github";

export interface ProblemReport {
  valid: boolean;
  counts: Counts;
  problems: readonly Problem[];
}

export interface TextStyle {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

export const PLAIN: TextStyle = { red: (t) => t, yellow: (t) => t, green: (t) => t, dim: (t) => t };

/** The `--format json` contract of `siteops validate`. */
export function renderProblemsJson(report: ProblemReport): string {
  return `${JSON.stringify(
    {
      valid: report.valid,
      counts: report.counts,
      problems: report.problems.map((p) => ({
        severity: p.severity,
        code: p.code,
        file: p.file,
        line: p.line,
        column: p.column,
        path: p.path,
        message: p.message,
      })),
    },
    null,
    2,
  )}\n`;
}

/** GitHub workflow commands: each problem becomes an annotation on its file and line. */
export function renderProblemsGithub(report: ProblemReport): string {
  const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  const lines = report.problems.map(
    (p) =>
      `::${p.severity === "error" ? "error" : "warning"} file=${escapeProperty(p.file)},line=${p.line},col=${p.column},title=${escapeProperty(`siteops ${p.code}`)}::${escapeData(p.message)}`,
  );
  lines.push(summaryLine(report));
  return `${lines.join("\n")}\n`;
}

export function renderProblemsText(report: ProblemReport, style: TextStyle = PLAIN): string {
  const lines: string[] = [];
  for (const p of report.problems) {
    const label = p.severity === "error" ? style.red("error") : style.yellow("warning");
    lines.push(`${label} ${style.dim(`[${p.code}]`)} ${p.message}`);
  }
  const summary = summaryLine(report);
  lines.push(report.valid ? style.green(summary) : style.red(summary));
  return `${lines.join("\n")}\n`;
}

function summaryLine(report: ProblemReport): string {
  const errors = report.problems.filter((p) => p.severity === "error").length;
  const warnings = report.problems.length - errors;
  const { clouds, sites, queues, ddmendpoints } = report.counts;
  const what = `${clouds} clouds, ${sites} sites, ${queues} queues, ${ddmendpoints} DDM endpoints`;
  return report.valid
    ? `valid: ${what}${warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}`
    : `invalid: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} in ${what}`;
}
