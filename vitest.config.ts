import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // End-to-end tests spawn the built CLI on temp git repos; two cores, so keep it to two workers.
    maxWorkers: 2,
    testTimeout: 30_000,
    clearMocks: true,
    restoreMocks: true,
  },
});
