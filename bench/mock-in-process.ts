/**
 * The mock in-process: validated token requests per second through `createMockAad().handle`
 * (the msw door calls exactly this), next to the floor, node:crypto doing only the two RSA
 * operations every validated request needs: verify the client's assertion and sign the access
 * token (over the very bytes the mock signs), and next to what the Fetch API alone costs per
 * request (a Request made and read, a Response made and read), which no Fetch-style core avoids. The two are measured alternately, round after round,
 * so that a neighbour's load on a shared machine hits both alike; the ratio is taken per round.
 *
 * Before timing, the answer is checked: 200 with a token whose signature verifies against the
 * mock's JWKS, and the same request with one signature byte changed gets AADSTS700027.
 */
import { createPrivateKey, createPublicKey, randomUUID, sign, verify } from "node:crypto";
import { entraHeaders } from "../mock-aad/error-response.ts";
import { createMockAad } from "../mock-aad/core.ts";
import { defaultRegistry } from "../mock-aad/registry.ts";
import { createSigningKey } from "../mock-aad/signing-key.ts";
import { benchClient, TOKEN_PATH, type BenchClient } from "./mock-fixture.ts";
import { measureAsync, median, type MeasureOptions } from "./measure.ts";

export interface InProcessResult {
  rounds: number;
  /** Median over the rounds. */
  mockPerSecond: number;
  floorPerSecond: number;
  /** Median over the rounds: a Request made and read plus a Response made and read, no mock. */
  fetchPerSecond: number;
  /** Median of the per-round ratios mock ÷ floor. */
  ratio: number;
  /** Median of the per-round ratios mock ÷ (floor and Fetch objects together). */
  ratioToCeiling: number;
  perRound: { mock: number; floor: number; fetch: number }[];
}

const URL_V2 = `https://login.microsoftonline.com${TOKEN_PATH}`;

function tokenRequest(form: string): Request {
  return new Request(URL_V2, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
}

export async function benchInProcess(timing: MeasureOptions, rounds: number, client: BenchClient = benchClient()): Promise<InProcessResult> {
  const signingKey = createSigningKey();
  const mock = createMockAad({ registry: defaultRegistry({ certificates: [client.certificateDer] }), signingKey });
  const accessToken = await checkAnswers(mock, client);

  // The floor: what the mock cannot do without, the assertion's verify and the token's sign.
  const [tokenHeader, tokenPayload] = accessToken.split(".") as [string, string];
  const tokenSigningInput = Buffer.from(`${tokenHeader}.${tokenPayload}`, "ascii");
  const tokenKey = createPrivateKey(signingKey.privateKeyPem);
  const floor = async () => {
    if (!verify("sha256", client.signingInput, client.publicKey, client.signature)) throw new Error("the floor's verify failed");
    return sign("sha256", tokenSigningInput, tokenKey);
  };
  const viaMock = async () => {
    const response = await mock.handle(tokenRequest(client.form));
    if (response.status !== 200) throw new Error(`the mock answered ${response.status}`);
    return response.text();
  };

  // What the Fetch API itself costs a request through the core, with no mock: make the Request and
  // read its body, make a Response of the same size with Entra's headers and read it.
  const answerText = JSON.stringify({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  const context = { now: new Date(), traceId: randomUUID(), correlationId: randomUUID() };
  const fetchObjects = async () => {
    await tokenRequest(client.form).text();
    return new Response(answerText, { status: 200, headers: entraHeaders(context) }).text();
  };

  const contenders = { floor, mock: viaMock, fetch: fetchObjects } as const;
  const order = ["floor", "mock", "fetch"] as const;
  const perRound: InProcessResult["perRound"] = [];
  for (let round = 0; round < rounds; round++) {
    // Rotate which goes first, so none always runs on a warmer (or busier) machine.
    const got: Partial<Record<(typeof order)[number], number>> = {};
    for (let i = 0; i < order.length; i++) {
      const name = order[(round + i) % order.length]!;
      got[name] = (await measureAsync(contenders[name], { ...timing, minCalls: 20 })).perSecond;
    }
    perRound.push({ mock: got.mock!, floor: got.floor!, fetch: got.fetch! });
  }
  // The most any Fetch-style core can do: the two RSA operations plus the Fetch objects, per request.
  const ceiling = (r: { floor: number; fetch: number }) => 1 / (1 / r.floor + 1 / r.fetch);
  return {
    rounds,
    mockPerSecond: median(perRound.map((r) => r.mock)),
    floorPerSecond: median(perRound.map((r) => r.floor)),
    fetchPerSecond: median(perRound.map((r) => r.fetch)),
    ratio: median(perRound.map((r) => r.mock / r.floor)),
    ratioToCeiling: median(perRound.map((r) => r.mock / ceiling(r))),
    perRound,
  };
}

/** A fast wrong answer is worthless: the token must verify, and a broken signature must be refused. */
async function checkAnswers(mock: ReturnType<typeof createMockAad>, client: BenchClient): Promise<string> {
  const good = await mock.handle(tokenRequest(client.form));
  const body = (await good.json()) as { access_token?: string };
  if (good.status !== 200 || typeof body.access_token !== "string") throw new Error(`the mock refused the bench's assertion (${good.status})`);
  const [h, p, s] = body.access_token.split(".") as [string, string, string];
  const jwk = mock.jwks.keys[0] as { n: string; e: string; kty: "RSA" };
  if (!verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url"))) {
    throw new Error("the mock's access token does not verify against its JWKS");
  }
  const tampered = new URLSearchParams(client.form);
  const assertion = tampered.get("client_assertion")!;
  const last = assertion.at(-2) === "A" ? "B" : "A"; // change one base64url character of the signature
  tampered.set("client_assertion", `${assertion.slice(0, -2)}${last}${assertion.slice(-1)}`);
  const bad = await mock.handle(tokenRequest(tampered.toString()));
  const refusal = (await bad.json()) as { error_codes?: number[] };
  if (bad.status !== 401 || refusal.error_codes?.[0] !== 700027) throw new Error(`the mock accepted a broken signature (${bad.status})`);
  return body.access_token;
}
