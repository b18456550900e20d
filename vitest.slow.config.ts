import { defineConfig } from "vitest/config";

// `npm run test:slow`: long property runs and big keys, kept out of `npm test`.
export default defineConfig({
  test: {
    include: ["test/**/*.slow.test.ts"],
    testTimeout: 600_000,
  },
});
