/** What a client's answer amounts to, in one word or code: "token", "AADSTS700027", "HTTP 401 …". */

/** The first AADSTS code in a text, e.g. "AADSTS700027"; undefined when there is none. */
export function aadstsIn(text: string | undefined): string | undefined {
  return /AADSTS\d+/.exec(text ?? "")?.[0];
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

/** "token" for a success with an access token, else the AADSTS code, else the error's first line. */
export function outcomeOf(answer: { ok: boolean; accessToken?: string; error?: { message?: string; code?: string; statusCode?: number } }): string {
  if (answer.ok) return answer.accessToken ? "token" : "ok";
  const message = answer.error?.message ?? "";
  const code = aadstsIn(message);
  if (code) return code;
  if (answer.error?.statusCode && answer.error.code) return `HTTP ${answer.error.statusCode} ${answer.error.code}`;
  const first = message.split("\n")[0]!.slice(0, 120);
  return [answer.error?.statusCode ? `HTTP ${answer.error.statusCode}` : "", answer.error?.code ?? "", first].filter(Boolean).join(" ");
}
