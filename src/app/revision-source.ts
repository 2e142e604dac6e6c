import type { SourceFile } from "../core/model.js";
import type { ConfigSource, Revision, RevisionReader, TreeFiles } from "../core/ports.js";
import { CONFIG_FILE, SITES_DIR } from "../core/tree/layout.js";

/** A configuration tree as it is at one git revision, read from git objects. */
export class RevisionConfigSource implements ConfigSource {
  constructor(
    private readonly reader: RevisionReader,
    private readonly revision: Revision,
  ) {}

  async readSites(): Promise<TreeFiles> {
    const paths = await this.reader.listFiles(this.revision, `${SITES_DIR}/`);
    const contents = await this.reader.readFiles(this.revision, paths);
    const files: SourceFile[] = [...contents].map(([path, bytes]) => ({ path, bytes }));
    return { files, problems: [] };
  }

  async readConfig(): Promise<SourceFile | undefined> {
    const bytes = (await this.reader.readFiles(this.revision, [CONFIG_FILE])).get(CONFIG_FILE);
    return bytes ? { path: CONFIG_FILE, bytes } : undefined;
  }

  async readText(path: string): Promise<string> {
    const bytes = (await this.reader.readFiles(this.revision, [path])).get(path);
    return bytes ? new TextDecoder().decode(bytes) : "";
  }
}
