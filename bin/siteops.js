#!/usr/bin/env node
// Thin launcher: the command line lives in dist/bundle (built from src/cli by `npm run build`).
let cli;
try {
  cli = await import("../dist/bundle/main.js");
} catch (error) {
  if (error && error.code === "ERR_MODULE_NOT_FOUND") {
    process.stderr.write(
      "siteops: dist/ is missing. Run `npm ci` (or `npm run build`) in the siteops folder first.\n",
    );
    process.exit(2);
  }
  throw error;
}
process.exitCode = await cli.run(process.argv.slice(2));
