/**
 * The lab's scenario names, for whoever links to the lab: each is the id of the doctor's cause it
 * reproduces (lib/ does not know the lab; the doctor's presentation links the two through here).
 */
import { SCENARIOS } from "./scenarios.ts";

export const LAB_SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

/** The doctor's causes the lab reproduces: a scenario's name, or the cause it names (causeId) when it shows one in another recipe's flow. */
export const LAB_CAUSE_IDS: readonly string[] = [...new Set(SCENARIOS.map((s) => s.causeId ?? s.name))];

/** The scenario that reproduces a cause, when the lab has one. */
export function labScenarioFor(causeId: string): string | undefined {
  return LAB_SCENARIO_NAMES.includes(causeId) ? causeId : undefined;
}
