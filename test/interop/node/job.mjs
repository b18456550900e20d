// Shared by the Node interop clients: the job arrives as JSON on stdin, the answer leaves as one
// JSON line on stdout (the test parses it). An error becomes facts, never a stack trace.
export async function readJob() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

export function reply(answer) {
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}

/** What a client's error tells its user: name, message, and the codes libraries attach. */
export function errorFacts(error) {
  const e = error ?? {};
  const facts = { name: e.name, message: String(e.message ?? e) };
  for (const key of ["errorCode", "errorNo", "subError", "code", "statusCode", "claim", "reason"]) if (e[key] !== undefined) facts[key] = e[key];
  if (e.errorResponse) facts.errorResponse = e.errorResponse;
  if (e.cause && e.cause !== e) facts.cause = String(e.cause.message ?? e.cause);
  return facts;
}
