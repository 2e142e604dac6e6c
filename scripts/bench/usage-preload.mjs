// Loaded with `node --import` when GNU time is missing: writes this process's CPU time and peak RSS
// at exit, as JSON, to $SITEOPS_BENCH_USAGE_FILE.
import { writeFileSync } from "node:fs";

const file = process.env.SITEOPS_BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    const maxRssKb = process.resourceUsage().maxRSS;
    writeFileSync(file, JSON.stringify({ cpuMs: (user + system) / 1000, maxRssKb }));
  });
}
