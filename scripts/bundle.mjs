// Bundles the command line (dist/bundle/) with esbuild: start-up time is most of a PR check, and
// loading one file per command costs far less than resolving, reading and compiling hundreds of
// modules. Each command of the lazy registry in src/cli/main.ts becomes its own chunk, so heavy
// libraries load only with the commands that use them. Runs after tsc, which type-checks and
// keeps dist/ for the scripts that import it.
import { rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

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

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "dist", "bundle");
// Built aside and swapped in, so a CLI started meanwhile never sees a half-written bundle.
const outdir = `${target}.new-${process.pid}`;
await build({
  absWorkingDir: root,
  // The validation worker is its own entry: worker threads start from a file (see adapters/worker-pool.ts).
  entryPoints: [
    { in: "src/cli/main.ts", out: "main" },
    { in: "src/adapters/validate-worker.ts", out: "validate-worker" },
  ],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
  plugins: [withoutSourceMaps],
  // CommonJS dependencies inside an ESM bundle call require() for node built-ins.
  banner: {
    js: 'import { createRequire as __siteopsCreateRequire } from "node:module"; const require = __siteopsCreateRequire(import.meta.url);',
  },
});
const old = `${target}.old-${process.pid}`;
await rename(target, old).catch(() => undefined);
await rename(outdir, target);
await rm(old, { recursive: true, force: true });
