/**
 * `npm run cert -- check --fixed` and `npm run cert -- rotate --fixed`: the real commands, run
 * against the offline mock with everything fixed, so WORKSHOP.md can show their output byte for byte
 * (and a test keeps it so). A throwaway kit home in a temporary folder (shown as ~/.config/entra-kit,
 * deleted afterwards), the workshop's clock (FIXED_NOW), the published demo key as the app's current
 * certificate (made two years minus 20 days earlier, so it expires soon), the lab's published
 * throwaway key as the new one, "random" bytes from labels, and the mock's core as fetch at the HTTPS
 * mock's address (https://127.0.0.1:8443). Nothing leaves the process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uuidV4 } from "../../lib/entra/assertion.ts";
import { DEMO_CLIENT_ID, DEMO_SUBJECT, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { rsaPrivateKeyFromPem, rsaPrivateKeyToPkcs8 } from "../../lib/formats/keys/index.ts";
import { writePfx } from "../../lib/formats/pkcs12/index.ts";
import { createMockAad } from "../../mock-aad/core.ts";
import { defaultRegistry } from "../../mock-aad/registry.ts";
import { createSigningKey } from "../../mock-aad/signing-key.ts";
import { buildCertificate } from "../01-certificate.ts";
import type { Io } from "../command.ts";
import { demoKeyPem, fixedBytes, FIXED_NOW } from "../fixed.ts";
import { OTHER_KEY_PEM } from "../lab/throwaway-keys.ts";
import type { CertLifeIo } from "../profile/io.ts";
import { writeProfile } from "../profile/profile.ts";
import { writePrivateFile } from "../profile/store.ts";

export const FIXED_ORIGIN = "https://127.0.0.1:8443";
export const FIXED_PROFILE = "demo-app";
export const FIXED_PASSWORD_VARIABLE = "DEMO_APP_PFX_PASSWORD";
/** How the temporary kit home is shown: the Linux default. */
const SHOWN_HOME = "~/.config/entra-kit";
/** The current certificate was made this long before FIXED_NOW, for two years: 20 days are left, inside check's 30-day window. */
const CURRENT_AGE_DAYS = 2 * 365 + 1 - 20; // 2024 has a 29 February

export interface FixedSetup {
  io: CertLifeIo;
  /** The key `cert rotate` makes in step 1 (the lab's published throwaway key). */
  newKeyPem: string;
  close(): void;
}

/** The throwaway world: a kit home with the demo-app profile, the mock knowing its certificate. */
export async function fixedSetup(outer: Io): Promise<FixedSetup> {
  const home = mkdtempSync(join(tmpdir(), "entra-kit-fixed-"));
  let counter = 0;
  const randomBytes = (n: number) => fixedBytes(`cert-fixed-${counter++}`, n);
  let clock = FIXED_NOW;
  const show = (text: string) => text.split(home).join(SHOWN_HOME);
  const io: CertLifeIo = {
    out: (t) => outer.out(show(t)),
    err: (t) => outer.err(show(t)),
    color: outer.color,
    env: { ENTRA_KIT_HOME: home, [FIXED_PASSWORD_VARIABLE]: "workshop" },
    now: () => clock,
    randomBytes,
    fetch: async (url, init) => mock.handle(new Request(url, init)),
    sleep: async (ms) => void (clock = new Date(clock.getTime() + ms)),
  };

  const key = rsaPrivateKeyFromPem(demoKeyPem());
  const made = new Date(FIXED_NOW.getTime() - CURRENT_AGE_DAYS * 86_400_000);
  const der = await buildCertificate({ now: () => made, randomBytes: (label, n) => fixedBytes(`cert-fixed-current-${label}`, n) }, key, DEMO_SUBJECT, 2);
  const pfxPath = join(home, "certs", FIXED_PROFILE, made.toISOString().replace(/[:.]/g, "-"), "cert.pfx");
  writePrivateFile(pfxPath, await writePfx({ certificateDer: der, privateKeyPkcs8Der: rsaPrivateKeyToPkcs8(key), password: "workshop", random: (n) => fixedBytes(`cert-fixed-pfx-${n}`, n) }));
  writeProfile(io.env, { name: FIXED_PROFILE, tenant: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, certificate: { pfx: pfxPath, passwordEnv: FIXED_PASSWORD_VARIABLE }, scope: "https://graph.microsoft.com/.default", authority: FIXED_ORIGIN, graph: `${FIXED_ORIGIN}/graph/v1.0` }, { replace: false });

  let ids = 0;
  const mock = createMockAad({
    registry: defaultRegistry({ certificates: [der] }),
    clock: () => clock,
    ids: () => uuidV4(fixedBytes(`cert-fixed-mock-id-${ids++}`, 16)),
    // Not shown anywhere (the commands print the tokens' expiry, not the tokens): any key will do.
    signingKey: createSigningKey(FIXED_NOW),
  });
  return { io, newKeyPem: OTHER_KEY_PEM.trim(), close: () => rmSync(home, { recursive: true, force: true }) };
}
