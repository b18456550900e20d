import { defineConfig } from "vitest/config";

// `npm run test:interop`: real Microsoft clients (msal-node, @azure/identity, the Graph SDK, jose,
// MSAL Python, and .NET/PowerShell where installed) against the mock over HTTPS on 127.0.0.1.
// One file at a time: each starts its own mock and child processes.
export default defineConfig({
  test: {
    include: ["test/interop/**/*.interop.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
