// Bundles the command line into dist/bundle/ with esbuild: start-up time is most of a PR check, and
// loading one file per command costs far less than resolving, reading and compiling hundreds of
// modules. Runs after tsc (which type-checks and keeps dist/ for the scripts that import it).
//
//   main.js               the shell (src/cli/main.ts), ESM; bin/siteops.js imports it
//   commands/<name>.cjs   one self-contained file per command of main.ts's lazy registry, with the
//                         libraries that command uses (and none it does not), plus its V8 code
//                         cache (<name>.cjs.v8cache, see src/adapters/code-cache.ts)
//   validate-worker.js    the worker threads of a large validation (src/adapters/worker-pool.ts)
import { readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = (path) => join(root, "src", path);
/** The error classes main.ts tests with `instanceof`: one copy, shared by the shell and the commands. */
const SHARED_ERRORS = "siteops:core/errors";

/**
 * handlebars loads the source-map package only to map precompiled templates back to their files,
 * which siteops never asks for; without it, handlebars builds the same code with plain strings.
 */
const withoutSourceMaps = {
  name: "handlebars-without-source-map",
  setup(build) {
    build.onResolve({ filter: /^source-map$/ }, (args) =>
      /[\\/]node_modules[\\/]handlebars[\\/]/.test(args.importer)
        ? { path: "source-map", namespace: "empty" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "module.exports = {};" }));
  },
};

/** In main.ts, `import("./commands/<name>.js")` loads the bundled command through its code cache. */
const commandsFromBundle = {
  name: "commands-from-bundle",
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (args) =>
      args.importer === src("cli/main.ts")
        ? { path: basename(args.path, ".js"), namespace: "bundled-command" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "bundled-command" }, (args) => ({
      resolveDir: root,
      loader: "js",
      contents: `const { requireCached } = require(${JSON.stringify(src("adapters/code-cache.ts"))});
const { packagePath } = require(${JSON.stringify(src("adapters/package-root.ts"))});
module.exports = requireCached(packagePath("dist/bundle/commands/${args.path}.cjs"), {
  ${JSON.stringify(SHARED_ERRORS)}: require(${JSON.stringify(src("core/errors.ts"))}),
});`,
    }));
  },
};

/** In the commands, the error classes come from the shell. */
const sharedErrors = {
  name: "shared-errors",
  setup(build) {
    build.onResolve({ filter: /\/errors\.js$/ }, async (args) => {
      if (args.namespace !== "file") return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir });
      return resolved.path === src("core/errors.ts") ? { path: SHARED_ERRORS, external: true } : undefined;
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
};

const target = join(root, "dist", "bundle");
// Built aside and swapped in, so a CLI started meanwhile never sees a half-written bundle.
const outdir = `${target}.new-${process.pid}`;
const commands = (await readdir(src("cli/commands"))).filter((f) => /^[\w-]+\.ts$/.test(f));
try {
  await build({
    ...common,
    entryPoints: { main: src("cli/main.ts"), "validate-worker": src("adapters/validate-worker.ts") },
    outdir,
    format: "esm",
    plugins: [commandsFromBundle, withoutSourceMaps],
    // CommonJS dependencies inside an ESM bundle call require() for node built-ins.
    banner: {
      js: 'import { createRequire as __siteopsCreateRequire } from "node:module"; const require = __siteopsCreateRequire(import.meta.url);',
    },
  });
  await build({
    ...common,
    entryPoints: commands.map((f) => src(`cli/commands/${f}`)),
    outdir: join(outdir, "commands"),
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    plugins: [sharedErrors, withoutSourceMaps],
    define: { "import.meta.url": "__siteopsModuleUrl" },
    banner: { js: 'var __siteopsModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  // Each command's code cache, made for the path it will be loaded from: V8 keeps that path for
  // stack traces.
  const { writeCodeCache } = await import(join(root, "dist", "adapters", "code-cache.js"));
  const errors = await import(join(root, "dist", "core", "errors.js"));
  for (const f of commands) {
    const name = f.replace(/\.ts$/, ".cjs");
    writeCodeCache(join(outdir, "commands", name), {
      loadAs: join(target, "commands", name),
      shared: { [SHARED_ERRORS]: errors },
    });
  }
} catch (error) {
  await rm(outdir, { recursive: true, force: true });
  throw error;
}
const old = `${target}.old-${process.pid}`;
for (let attempt = 1; ; attempt++) {
  await rename(target, old).catch(() => undefined);
  try {
    await rename(outdir, target);
    break;
  } catch (error) {
    // Another build swapped its bundle in meanwhile: move that one aside too and retry.
    if (attempt === 5 || !["ENOTEMPTY", "EEXIST"].includes(error.code)) {
      await rm(outdir, { recursive: true, force: true });
      throw error;
    }
    await rm(old, { recursive: true, force: true });
  }
}
await rm(old, { recursive: true, force: true });
