import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // test/interop runs real clients as programs: `npm run test:interop` (vitest.interop.config.ts).
    exclude: ["test/**/*.slow.test.ts", "test/interop/**"],
    testTimeout: 20_000,
  },
});
