import { defineConfig } from "vitest/config";

// `npm run test:package`: npm pack, install the tarball into a new project under the temp folder, run
// the README's node:test example and the installed bin with plain Node (test/package).
export default defineConfig({
  test: {
    include: ["test/package/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
