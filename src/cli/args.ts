import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";

/** node:util parseArgs, with its errors turned into usage errors that name the flag. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: readonly string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    // node's advice on positionals after `--` does not apply to siteops; its other advice does.
    const message = (error as Error).message
      .replace(/\.?\s*To specify a positional.*$/s, "")
      .replace(/\s*\n\s*/g, " ")
      .trim();
    throw new UsageError(/[.!?]$/.test(message) ? message : `${message}.`);
  }
}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, not \`${value}\`.`);
}
