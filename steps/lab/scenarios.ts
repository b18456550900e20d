/** Every lab scenario, grouped by theme (one file per theme). */
import { CLAIMS_SCENARIOS } from "./scenarios-claims.ts";
import { ENCODING_SCENARIOS } from "./scenarios-encoding.ts";
import { REGISTRATION_SCENARIOS } from "./scenarios-registration.ts";
import { REQUEST_SCENARIOS } from "./scenarios-request.ts";
import { ROTATION_SCENARIOS } from "./scenarios-rotation.ts";
import { SIGNATURE_SCENARIOS } from "./scenarios-signature.ts";
import { THUMBPRINT_SCENARIOS } from "./scenarios-thumbprint.ts";
import type { Scenario } from "./scenario.ts";

/** The scenarios by theme, in the order --list and --all show them. */
export const SCENARIO_GROUPS: readonly { theme: string; scenarios: readonly Scenario[] }[] = [
  { theme: "The app registration", scenarios: REGISTRATION_SCENARIOS },
  { theme: "The thumbprint in the header", scenarios: THUMBPRINT_SCENARIOS },
  { theme: "The signature", scenarios: SIGNATURE_SCENARIOS },
  { theme: "The claims", scenarios: CLAIMS_SCENARIOS },
  { theme: "The bytes of the JWT", scenarios: ENCODING_SCENARIOS },
  { theme: "The rest of the request", scenarios: REQUEST_SCENARIOS },
  { theme: "Certificates over time: rotation and Graph's addKey", scenarios: ROTATION_SCENARIOS },
];

export const SCENARIOS: readonly Scenario[] = SCENARIO_GROUPS.flatMap((g) => g.scenarios);

export function findScenario(name: string): Scenario | undefined {
  const wanted = name.toLowerCase();
  return SCENARIOS.find((s) => s.name === wanted);
}
