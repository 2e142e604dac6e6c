import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ProblemExample } from "../core/validate/catalogue.js";

/** Copies a configuration repository (sites/ and siteops.config.yaml) into a fresh temp folder. */
export async function copyRepository(from: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "siteops-example-"));
  await cp(join(from, "sites"), join(dir, "sites"), { recursive: true });
  await cp(join(from, "siteops.config.yaml"), join(dir, "siteops.config.yaml")).catch(() => undefined);
  return dir;
}

/** Applies a documented problem example to a repository copy, the way a user would break it. */
export async function applyExample(root: string, example: ProblemExample): Promise<void> {
  for (const [path, content] of Object.entries(example.write ?? {})) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), Buffer.from(content, example.latin1 ? "latin1" : "utf8"));
  }
  for (const edit of example.edit ?? []) {
    const text = await readFile(join(root, edit.file), "utf8");
    if (!text.includes(edit.find)) throw new Error(`${edit.file}: example text not found: ${edit.find}`);
    await writeFile(join(root, edit.file), text.replace(edit.find, edit.replace));
  }
  if (example.symlink) {
    await mkdir(dirname(join(root, example.symlink.path)), { recursive: true });
    await symlink(example.symlink.target, join(root, example.symlink.path));
  }
  if (example.remove) await rm(join(root, example.remove));
}

/** The 1-based line of the first line containing `marker` in a file (1 when there is no marker). */
export async function markerLine(root: string, example: ProblemExample): Promise<number> {
  if (!example.marker) return 1;
  const text = (await readFile(join(root, example.file))).toString(example.latin1 ? "latin1" : "utf8");
  const index = text.indexOf(example.marker);
  if (index < 0) throw new Error(`${example.file}: marker not found: ${example.marker}`);
  return text.slice(0, index).split("\n").length;
}
