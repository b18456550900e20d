/**
 * The one error type lib/ throws for problems a user can fix (bad input, wrong password, wrong key).
 * `code` is stable, so callers and tests switch on it; `message` is one sentence that says what is
 * wrong; `hint` says what to do next. The step runner prints message and hint, never a stack trace.
 */
export class KitError extends Error {
  override readonly name = "KitError";
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
