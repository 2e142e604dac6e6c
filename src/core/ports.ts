import type { Problem, SourceFile } from "./model.js";
import type { SchemaSet } from "./validate/schema-validator.js";

/** What a reader found under `sites/`: the files, and what kept others from being read. */
export interface TreeFiles {
  files: SourceFile[];
  problems: Problem[];
}

/** A configuration repository as files: the working tree on disk, or (later) a git revision. */
export interface ConfigSource {
  /** Every regular file under `sites/`, sorted by path. Never follows links or leaves the root. */
  readSites(): Promise<TreeFiles>;
  /** `siteops.config.yaml`, or undefined when the repository has none. */
  readConfig(): Promise<SourceFile | undefined>;
  /** One file's text, by path relative to the root. */
  readText(path: string): Promise<string>;
}

/** The JSON Schemas shipped with siteops. */
export interface SchemaSource {
  readSchemas(): Promise<SchemaSet>;
}

/** Writes new files into the working tree (scaffolding). */
export interface FileWriter {
  exists(path: string): Promise<boolean>;
  write(path: string, content: string): Promise<void>;
}
