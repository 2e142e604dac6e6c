import type { DiffReport } from "../core/diff/model.js";
import { OperationalError } from "../core/errors.js";
import {
  type CommitInfo,
  type ConfigSource,
  EMPTY_TREE,
  type RevisionReader,
  type SchemaSource,
} from "../core/ports.js";
import { extractTickets } from "../core/tickets.js";
import type { TreeReport } from "../core/validate/validate-tree.js";
import { diffResolved } from "./diff.js";
import { validateRepository } from "./validate.js";

export interface RepositoryReport {
  validation: TreeReport;
  /** The latest commit that changed sites/, and its changes; absent outside a git repository. */
  latest?: { commit: CommitInfo; diff: DiffReport; tickets: { id: string; url: string; system: string }[] };
  /** Why there is no changelog, when there is none. */
  note?: string;
}

/**
 * The main job on a repository: validate the whole tree, then describe the latest configuration
 * commit as its changelog. Later stages (ownership, mails) add to this report.
 */
export async function reportRepository(options: {
  source: ConfigSource;
  reader: RevisionReader;
  schemas: SchemaSource;
}): Promise<RepositoryReport> {
  const validation = await validateRepository({ source: options.source, schemas: options.schemas });
  let commits: CommitInfo[];
  try {
    commits = await options.reader.log({ paths: ["sites"] });
  } catch (error) {
    if (error instanceof OperationalError) return { validation, note: `no changelog: ${error.message}` };
    throw error;
  }
  const commit = commits[0];
  if (!commit) return { validation, note: "no changelog: no commit has changed sites/ yet." };
  const { report } = await diffResolved(
    options.reader,
    await options.schemas.readSchemas(),
    commit.parents[0] ?? EMPTY_TREE,
    commit.sha,
  );
  const tickets = extractTickets(`${commit.subject}\n${commit.body}`, validation.config.tickets);
  return { validation, latest: { commit, diff: report, tickets } };
}
