import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// `npm run test:slow`: long property runs, big keys, and end-to-end runs that start the kit's
// commands as processes (the HTTPS mock from the installed bin, a new user's profile → token →
// rotation over HTTPS), kept out of `npm test`; .ci/run runs them.
export default defineConfig({
  test: {
    include: ["test/**/*.slow.test.ts"],
    testTimeout: 600_000,
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
