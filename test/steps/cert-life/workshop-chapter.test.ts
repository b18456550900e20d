/**
 * The chapter "Living with certificates: expiry and rotation" as a newcomer reads it against the
 * HTTPS mock: before the first `npm run token`, it says that Node must trust the mock's local CA.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const markdown = readFileSync(new URL("../../../WORKSHOP.md", import.meta.url), "utf8");

function chapter(): string {
  const start = markdown.indexOf("## Living with certificates: expiry and rotation");
  expect(start).toBeGreaterThan(0);
  const end = markdown.indexOf("\n## ", start + 3);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe("WORKSHOP.md, Living with certificates", () => {
  it("says where the profile is set up against the HTTPS mock that NODE_EXTRA_CA_CERTS must name the mock's ca.pem, before any token is asked for", () => {
    const text = chapter();
    const profiles = text.slice(text.indexOf("### Profiles"), text.indexOf("### Tokens for scripts"));
    expect(profiles).toContain("--authority https://127.0.0.1:8443");
    expect(profiles).toMatch(/`NODE_EXTRA_CA_CERTS`[^]*`ca\.pem`[^]*`npm run mock-aad` prints/);
    expect(profiles).toContain("export NODE_EXTRA_CA_CERTS=");
    expect(profiles).toContain("$env:NODE_EXTRA_CA_CERTS = ");
    // The variable is Node's own (the oracle: node --help lists the environment variables it reads).
    expect(execFileSync(process.execPath, ["--help"], { encoding: "utf8" })).toMatch(/^NODE_EXTRA_CA_CERTS\s+path to additional CA certificates/m);
  });
});
