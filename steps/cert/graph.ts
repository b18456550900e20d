/**
 * The Microsoft Graph calls of `npm run cert`, with the profile's token:
 *   GET  /applications(appId='{clientId}')?$select=id,appId,displayName,keyCredentials
 *   POST /applications/{id}/addKey      {keyCredential, passwordCredential: null, proof}
 *   POST /applications/{id}/removeKey   {keyId, proof}
 * Shapes from Graph v1.0's reference: https://learn.microsoft.com/graph/api/application-get,
 * https://learn.microsoft.com/graph/api/application-addkey ("200 OK and a new keyCredential object
 * in the response body"), https://learn.microsoft.com/graph/api/application-removekey ("204 No
 * Content"); errors https://learn.microsoft.com/graph/errors ({"error":{"code","message"}}).
 */
import { KitError } from "../../lib/errors.ts";
import type { RegisteredKey } from "../../lib/entra/expiry.ts";
import type { CertLifeIo } from "../profile/io.ts";
import { graphApiBase, type Profile } from "../profile/profile.ts";
import { send } from "../token/acquire.ts";

export interface GraphApplication {
  /** The application object's ID: addKey, removeKey and the proof's iss take it. */
  id: string;
  appId: string;
  displayName: string;
  keyCredentials: RegisteredKey[];
}

interface GraphKeyCredential {
  keyId?: unknown;
  displayName?: unknown;
  customKeyIdentifier?: unknown;
  key?: unknown;
  startDateTime?: unknown;
  endDateTime?: unknown;
}

function date(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function registeredKey(k: GraphKeyCredential): RegisteredKey {
  const start = date(k.startDateTime);
  const end = date(k.endDateTime);
  return {
    keyId: String(k.keyId),
    ...(typeof k.displayName === "string" ? { displayName: k.displayName } : {}),
    customKeyIdentifier: typeof k.customKeyIdentifier === "string" ? k.customKeyIdentifier : null,
    key: typeof k.key === "string" ? k.key : null,
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
  };
}

/** One Graph call; a non-2xx answer is a KitError GRAPH_REFUSED with Graph's code and message. */
export async function graphCall(profile: Profile, token: string, method: "GET" | "POST", path: string, io: CertLifeIo, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const url = `${graphApiBase(profile.graph)}${path}`;
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const { status, text } = await send(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }, io, profile);
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  if (status >= 200 && status < 300) return { status, json };
  const error = (json?.error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof error.code === "string" ? error.code : `HTTP ${status}`;
  const message = typeof error.message === "string" ? error.message : text.slice(0, 160);
  throw new KitError("GRAPH_REFUSED", `Microsoft Graph refused ${method} ${path.split("?")[0]}: ${code}, ${message.replace(/\.$/, "")}.`, graphHint(code, status, profile));
}

function graphHint(code: string, status: number, profile: Profile): string {
  if (code === "Authorization_RequestDenied" || status === 403)
    return `Reading the app's registration needs an application permission such as Application.Read.All, granted by an admin; or check the file alone: npm run cert -- check FILE.`;
  if (status === 401) return `The token was not accepted by this Graph (${graphApiBase(profile.graph)}): is the profile's --graph the one that belongs to its --authority?`;
  if (code === "Request_ResourceNotFound" || status === 404) return `No application with client ID ${profile.clientId} in tenant ${profile.tenant}: check npm run profile -- show ${profile.name}.`;
  return "The answer above is Graph's own: https://learn.microsoft.com/graph/errors explains its codes.";
}

/** The app registration and its certificates. */
export async function getApplication(profile: Profile, token: string, io: CertLifeIo): Promise<GraphApplication> {
  const { json } = await graphCall(profile, token, "GET", `/applications(appId='${profile.clientId}')?$select=id,appId,displayName,keyCredentials`, io);
  const keys = Array.isArray(json?.keyCredentials) ? (json!.keyCredentials as GraphKeyCredential[]) : [];
  return { id: String(json?.id), appId: String(json?.appId), displayName: String(json?.displayName ?? ""), keyCredentials: keys.map(registeredKey) };
}
