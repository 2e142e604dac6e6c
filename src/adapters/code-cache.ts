import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

/**
 * CommonJS files of the build (the bundled commands, the standalone validators) loaded with V8's
 * code cache, written beside each file at build time: compiling a large file costs more than
 * running its top level, and Node 20 has no compile cache of its own (`module.enableCompileCache`
 * is Node 22). A cache is used only for the exact source and path it was made from (their SHA-256
 * leads the cache file; V8 keeps the path of the compiling run for stack traces); V8 itself refuses
 * one from another Node version or other V8 flags. Without a usable cache the file is compiled as
 * usual.
 */

/** The cache of a file: `<file>.v8cache`. */
export const cacheFileOf = (file: string): string => `${file}.v8cache`;

const HASH_BYTES = 32;

/** Loaded files, like `require.cache`: a file runs once per process. */
const loaded = new Map<string, unknown>();

interface Loaded {
  script: Script;
  exports: unknown;
}

/**
 * Loads a CommonJS file like `require`, through its code cache when there is a valid one.
 * `shared` maps module ids to objects given instead of loading them (modules the caller must share
 * with the file, such as the error classes its `instanceof` checks test).
 */
export function requireCached(file: string, shared: Readonly<Record<string, unknown>> = {}): unknown {
  if (!loaded.has(file)) loaded.set(file, load(file, file, shared, true).exports);
  return loaded.get(file);
}

/**
 * Build time: loads the file (running its top level, which compiles what every run compiles),
 * lets `warm` run more of it, and writes its code cache with what V8 compiled so far. `loadAs` is
 * the path runs will load the file from, when it is written elsewhere first.
 */
export function writeCodeCache(
  file: string,
  options: {
    loadAs?: string;
    shared?: Readonly<Record<string, unknown>>;
    warm?: (exports: unknown) => void;
  } = {},
): void {
  const loadAs = options.loadAs ?? file;
  const { script, exports } = load(file, loadAs, options.shared ?? {}, false);
  options.warm?.(exports);
  writeFileSync(
    cacheFileOf(file),
    Buffer.concat([identity(loadAs, readFileSync(file)), script.createCachedData()]),
  );
}

/** Runs `file` as if it were at `path` (its name in stack traces, its `require` and `__filename`). */
function load(
  file: string,
  path: string,
  shared: Readonly<Record<string, unknown>>,
  useCache: boolean,
): Loaded {
  const source = readFileSync(file);
  const cachedData = useCache ? validCache(file, path, source) : undefined;
  const script = new Script(wrap(source.toString("utf8")), {
    filename: path,
    ...(cachedData ? { cachedData } : {}),
  });
  const nodeRequire = createRequire(path);
  const require = Object.assign(
    (id: string): unknown => (Object.hasOwn(shared, id) ? shared[id] : nodeRequire(id)),
    nodeRequire,
  );
  const module = { exports: {} as unknown, filename: path, id: path, loaded: false };
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
    __filename: string,
    __dirname: string,
  ) => void;
  run(module.exports, require, module, path, dirname(path));
  module.loaded = true;
  return { script, exports: module.exports };
}

/** The same wrapper as Node's CommonJS loader, so the file sees the same five names. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/** The V8 data of the cache beside `file`, if it was made for this source loaded from `path`. */
function validCache(file: string, path: string, source: Buffer): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(cacheFileOf(file));
  } catch {
    return undefined;
  }
  if (cache.length <= HASH_BYTES || !cache.subarray(0, HASH_BYTES).equals(identity(path, source)))
    return undefined;
  return cache.subarray(HASH_BYTES);
}

/** What a cache is valid for: the file's path and source. */
function identity(file: string, source: Buffer): Buffer {
  return createHash("sha256").update(`${file}\0`).update(source).digest();
}
