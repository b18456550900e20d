import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // test/interop runs real clients as programs: `npm run test:interop` (vitest.interop.config.ts).
    // test/package packs and installs the kit: `npm run test:package` (vitest.package.config.ts).
    exclude: ["test/**/*.slow.test.ts", "test/interop/**", "test/package/**"],
    testTimeout: 20_000,
    // Both cores of a 2-core machine (vitest's default leaves one idle there): 138 s → 70 s wall, measured.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
