/** The numbered steps, in order: their outlines (steps/step-outlines.ts); each loads its module when it runs. */
import { STEP_OUTLINES, type StepOutline } from "./step-outlines.ts";

export type { StepOutline } from "./step-outlines.ts";

export const STEPS: readonly StepOutline[] = STEP_OUTLINES;

export function stepProducing(artifact: string): StepOutline | undefined {
  return STEPS.find((s) => s.produces.includes(artifact));
}
