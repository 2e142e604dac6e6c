/** The kinds of object a configuration tree holds, one per file kind (DDM endpoints live inside sites). */
export type ObjectKind = "cloud" | "site" | "queue" | "ddmendpoint";

/** The file kinds siteops reads; each has a JSON Schema in `schemas/`. */
export type FileKind = "cloud" | "site" | "queue" | "config";

export type Severity = "error" | "warning";

/**
 * A finding about the configuration: always data, never an exception.
 * `file` is relative to the repository root; `line`/`column` are 1-based; `path` is the
 * field inside the document (`queues[2].ce_endpoint`), empty for the whole file.
 */
export interface Problem {
  code: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

/** A file as read from disk or git: bytes plus what the reader already knows is wrong with it. */
export interface SourceFile {
  /** Path relative to the repository root, with `/` separators. */
  path: string;
  /** The content; a reader may stop early on huge files, so `size` tells the real length. */
  bytes: Uint8Array;
  size?: number;
}

/** A position inside a source file, 1-based. */
export interface Position {
  line: number;
  column: number;
}

/** Locates a field path (as segments) inside a parsed document. */
export type Locator = (path: readonly (string | number)[], target?: "key" | "value") => Position;

/** One parsed YAML document of a known kind, with the means to point into it. */
export interface ParsedFile<T = unknown> {
  file: string;
  kind: FileKind;
  data: T;
  locate: Locator;
}
