/** The command line was wrong: unknown command, bad flag, missing argument. Exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * The command could not do its job for a reason outside the configuration's content:
 * a missing root folder, an unreadable schema, a git failure. Exit code 2.
 */
export class OperationalError extends Error {
  override readonly name = "OperationalError";
}

/** A bug in siteops itself. Exit code 2, with a request to report it. */
export class InternalError extends Error {
  override readonly name = "InternalError";
}
