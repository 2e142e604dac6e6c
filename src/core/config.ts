import type { SiteopsConfiguration } from "./generated/config.js";
import { type CompiledTicketPattern, compileTicketPatterns } from "./tickets.js";

/** Settings with every default filled in, as the rest of siteops reads them. */
export interface ResolvedConfig {
  unmanaged: Map<string, string>;
  himemMbPerCore: number;
  maxFileBytes: number;
  tickets: CompiledTicketPattern[];
  /** Template overrides, as paths relative to the repository root. */
  templates: { markdown?: string; text?: string; html?: string };
  raw: SiteopsConfiguration;
}

/**
 * Fills absent keys from the `default` annotations of the config schema, so defaults are
 * written once, in the schema, next to their description.
 */
export function applySchemaDefaults(value: unknown, schema: unknown): unknown {
  if (schema === null || typeof schema !== "object") return value;
  const s = schema as { default?: unknown; properties?: Record<string, unknown>; type?: unknown };
  if (value === undefined && s.default !== undefined) return structuredClone(s.default);
  if (
    s.properties &&
    (value === undefined || (value !== null && typeof value === "object" && !Array.isArray(value)))
  ) {
    const out: Record<string, unknown> = { ...((value as Record<string, unknown>) ?? {}) };
    for (const [key, child] of Object.entries(s.properties)) {
      const filled = applySchemaDefaults(out[key], child);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  }
  return value;
}

export function resolveConfig(data: unknown, configSchema: unknown): ResolvedConfig {
  const raw = applySchemaDefaults(data ?? {}, configSchema) as SiteopsConfiguration;
  return {
    unmanaged: new Map((raw.cric?.unmanaged_fields ?? []).map((u) => [u.field, u.owner])),
    himemMbPerCore: raw.validation?.himem_mb_per_core ?? 2000,
    maxFileBytes: raw.validation?.max_file_bytes ?? 1_048_576,
    tickets: compileTicketPatterns(raw.tickets?.patterns ?? []).compiled,
    templates: { ...raw.changelog?.templates },
    raw,
  };
}

/** Queue fields a site may set once for all its queues: the schema marks them `x-inheritable`. */
export function inheritableFields(queueSchema: unknown): string[] {
  const properties =
    (queueSchema as { properties?: Record<string, Record<string, unknown>> }).properties ?? {};
  return Object.entries(properties)
    .filter(([, property]) => property["x-inheritable"] === true)
    .map(([name]) => name);
}
