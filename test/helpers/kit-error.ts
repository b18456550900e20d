/** The KitError a call throws (or its promise rejects with); anything else, or nothing, fails the test. */
import { KitError } from "../../lib/errors.ts";

export function thrownKitError(fn: () => unknown): KitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KitError) return error;
    throw error;
  }
  throw new Error("expected a KitError");
}

export async function rejectedKitError(fn: () => Promise<unknown>): Promise<KitError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof KitError) return error;
    throw error;
  }
  throw new Error("expected a KitError");
}
