/** The numbered steps, in order. */
import type { Step } from "./step.ts";
import { certificateStep } from "./01-certificate.ts";
import { thumbprintStep } from "./02-thumbprint.ts";
import { headerPayloadStep } from "./03-header-payload.ts";
import { hashStep } from "./04-sha256.ts";
import { signatureStep } from "./05-signature.ts";
import { assemblyStep } from "./06-assembly.ts";

export const STEPS: Step[] = [certificateStep, thumbprintStep, headerPayloadStep, hashStep, signatureStep, assemblyStep] as Step[];

export function stepProducing(artifact: string): Step | undefined {
  return STEPS.find((s) => s.produces.includes(artifact));
}
