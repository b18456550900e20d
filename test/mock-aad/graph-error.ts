/** Graph's error shape, checked exactly, for every test of the mock Graph's refusals. */
import { expect } from "vitest";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}, the status
 * and code as given, the message when given; `date` is innerError's (Graph's: no zone, no fraction).
 */
export async function expectGraphError(response: Response, status: number, code: string, message?: RegExp | string, date = "2025-06-01T12:00:00"): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error)).toEqual(["code", "message", "innerError"]);
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else if (message) expect(body.error.message).toMatch(message);
  const requestId = response.headers.get("request-id");
  expect(requestId).toMatch(GUID);
  expect(body.error.innerError).toEqual({ date, "request-id": requestId, "client-request-id": expect.stringMatching(GUID) });
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return body.error;
}
