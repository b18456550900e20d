/** The numbered steps, in order. */
import type { Step } from "./step.ts";
import { certificateStep } from "./01-certificate.ts";
import { thumbprintStep } from "./02-thumbprint.ts";
import { headerPayloadStep } from "./03-header-payload.ts";
import { hashStep } from "./04-sha256.ts";
import { signatureStep } from "./05-signature.ts";
import { assemblyStep } from "./06-assembly.ts";
import { tokenRequestStep } from "./07-token-request.ts";
import { callApiStep } from "./08-call-api.ts";

export const STEPS: Step[] = [certificateStep, thumbprintStep, headerPayloadStep, hashStep, signatureStep, assemblyStep, tokenRequestStep, callApiStep] as Step[];

export function stepProducing(artifact: string): Step | undefined {
  return STEPS.find((s) => s.produces.includes(artifact));
}
