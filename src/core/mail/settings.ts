import { applySchemaDefaults } from "../config.js";

/**
 * Settings of site notifications (`notifications` in siteops.config.yaml). Defaults come from the
 * config schema (`properties.notifications`); values of the wrong shape are replaced by their
 * default with a warning, so a mail run never fails on a setting `siteops validate` would reject.
 */

export const CONTACT_ROLES = [
  "site-admin",
  "cloud-squad",
  "dpa",
  "security",
  "operations",
  "observer",
] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export type DigestFrequency = "off" | "daily" | "weekly";

export interface NotificationSettings {
  from: string;
  replyTo: string;
  listId: string;
  rolesFor: { default: ContactRole[]; disruptive: ContactRole[] };
  ccCloudSupportList: boolean;
  maxRecipients: number;
  digest: { bots: DigestFrequency };
  retry: { attempts: number; initialDelaySeconds: number; maxDelaySeconds: number };
  ledgerBranch: string;
}

/** The value of `reply_to` that means "the support list of the site's cloud". */
export const REPLY_TO_CLOUD_SUPPORT_LIST = "cloud-support-list";

/** The JSON Schema proposed for `properties.notifications` of schemas/config.schema.json. */

export interface SettingsResult {
  settings: NotificationSettings;
  /** Values that were not usable, each replaced by its default: "where: what. how to fix." */
  warnings: string[];
}

/**
 * Reads `notifications` from the raw config: fills defaults from the config schema's
 * `notifications` section and replaces any value of the wrong shape by its default with a warning
 * (`siteops validate` reports such values against the same schema).
 */
export function readNotificationSettings(rawConfig: unknown, configSchema: unknown): SettingsResult {
  const schema = (configSchema as { properties?: Record<string, unknown> } | undefined)?.properties
    ?.notifications;
  const defaults = applySchemaDefaults({}, schema) as Record<string, unknown>;
  const section = (rawConfig as { notifications?: unknown } | null | undefined)?.notifications;
  const value = applySchemaDefaults(isObject(section) ? section : {}, schema) as Record<string, unknown>;
  const warnings: string[] = [];
  if (section !== undefined && !isObject(section))
    warnings.push(problem("notifications", "is not a mapping"));
  const read = <T>(path: string, ok: (v: unknown) => v is T): T => {
    const got = pick(value, path);
    if (ok(got)) return got;
    warnings.push(problem(`notifications.${path}`, `has an unusable value ${JSON.stringify(got)}`));
    return pick(defaults, path) as T;
  };
  const settings: NotificationSettings = {
    from: read("from", isText),
    replyTo: read("reply_to", isText),
    listId: read(
      "list_id",
      (v): v is string => isText(v) && /^[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9][A-Za-z0-9-]*)+$/.test(v),
    ),
    rolesFor: {
      default: read("roles_for.default", isRoles),
      disruptive: read("roles_for.disruptive", isRoles),
    },
    ccCloudSupportList: read("cc_cloud_support_list", (v): v is boolean => typeof v === "boolean"),
    maxRecipients: read("max_recipients", (v): v is number => Number.isInteger(v) && (v as number) >= 1),
    digest: {
      bots: read("digest.bots", (v): v is DigestFrequency => v === "off" || v === "daily" || v === "weekly"),
    },
    retry: {
      attempts: read(
        "retry.attempts",
        (v): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10,
      ),
      initialDelaySeconds: read("retry.initial_delay_seconds", isSeconds),
      maxDelaySeconds: read("retry.max_delay_seconds", isSeconds),
    },
    ledgerBranch: read(
      "ledger_branch",
      (v): v is string => isText(v) && /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(v) && !v.includes(".."),
    ),
  };
  return { settings, warnings };
}

function problem(where: string, what: string): string {
  return `siteops.config.yaml: ${where} ${what}; using the default. Fix it as described in docs/notifications.md.`;
}

function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) current = isObject(current) ? current[key] : undefined;
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim().length >= 3;
}

function isSeconds(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 3600;
}

function isRoles(value: unknown): value is ContactRole[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((r) => (CONTACT_ROLES as readonly unknown[]).includes(r))
  );
}
