import { formatNumber } from "../diff/impact.js";
import type { FieldChange } from "../diff/model.js";

/** A value as a person reads it: numbers with thousands separators and the unit, lists joined. */
export function formatValue(value: unknown, unit?: string): string {
  if (value === undefined) return "(unset)";
  if (value === null) return "null";
  if (typeof value === "number") return `${formatNumber(value, 4)}${unit ? ` ${unit}` : ""}`;
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value))
    return value.every((v) => typeof v !== "object")
      ? value.map((v) => formatValue(v)).join(", ")
      : JSON.stringify(value);
  return JSON.stringify(value);
}

/** Relative change of a numeric field, e.g. "+100 %", or undefined when it does not apply. */
export function relativeChange(change: FieldChange): string | undefined {
  if (change.action !== "changed" || typeof change.before !== "number" || typeof change.after !== "number")
    return undefined;
  if (change.before === 0) return undefined;
  const percent = ((change.after - change.before) / Math.abs(change.before)) * 100;
  const rounded = Math.abs(percent) >= 10 ? Math.round(percent) : Math.round(percent * 10) / 10;
  return `${rounded > 0 ? "+" : ""}${formatNumber(rounded, 3)} %`;
}
