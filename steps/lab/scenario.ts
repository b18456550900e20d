/**
 * What a lab scenario is: a real mistake, as data and two small functions. `build` makes the faulty
 * token request with the kit's own lib/ code, `fix` makes the same request with the mistake
 * corrected. Both return an Attempt: the request, and what Entra knows at that moment (which
 * certificates are registered on the app), since some fixes happen in the portal, not in the code.
 * The runner (run.ts) sends the attempts to the mock; the renderer (render.ts) prints what happened.
 */
import type { KeyCredential } from "../../mock-aad/registry.ts";
import type { LabContext } from "./context.ts";

/** One POST to the token endpoint: the URL and the form fields, in the order they are sent. */
export interface LabRequest {
  url: string;
  fields: [string, string][];
}

/**
 * A Graph key action (addKey), posted with the Graph token the attempt's request gets: the lab's
 * rotation scenarios. After a 200, `thenRequest` (signed with the certificate just added) must get
 * a token Graph accepts.
 */
export interface LabKeyAction {
  url: string;
  body: { keyCredential: Record<string, unknown>; passwordCredential: null; proof: string };
  thenRequest: LabRequest;
}

/** A call the app makes before the token request (the managed identity, Key Vault): shown one a line. */
export interface ServiceCall {
  method: string;
  url: string;
  /** The header that matters: the identity secret, or the bearer token (shortened). */
  header: [string, string];
  status: number;
}

export interface Attempt {
  request: LabRequest;
  /** What the app asked other services first, in order (seed 001's Function: its managed identity, then Key Vault). */
  calls?: ServiceCall[];
  /** Then this Graph call: the answer shown is Graph's. */
  keyAction?: LabKeyAction;
  /** The certificates registered on the demo app (Certificates & secrets); default: the app's current certificate. */
  registered?: KeyCredential[];
  /** The certificate the app's owner has at hand (what they would give the doctor with --cert); default: the current one. */
  certificate?: Uint8Array;
}

/** The fix, in the words and code of the usual recipes: a sentence, then the line that changes. */
export interface FixText {
  /** One or two lines: what changes. */
  what: string[];
  /** Where the code below comes from: "PowerShell", "Node.js", "the form body", "Azure portal". */
  label: string;
  /** The line as the faulty recipe has it (omitted when the fix adds something new). */
  before?: string;
  /** The line as it should be. */
  after: string;
}

export interface Scenario {
  /** Also the id of the doctor's cause it reproduces (lib/entra/doctor/causes.ts), unless causeId says another. */
  name: string;
  /** The doctor's cause, when a second scenario reproduces the same one in another recipe's flow. */
  causeId?: string;
  /** One line, for --list. */
  title: string;
  /** How people end up here, in two or three lines (the renderer folds them to the terminal's width). */
  story: string[];
  /** The AADSTS code of Entra's first answer; undefined when Entra accepts the request and the doctor only warns. */
  expectedAadsts?: number;
  /** For a Graph key action: Graph's first answer (status and error code) instead of an AADSTS code. */
  expectedGraphError?: { status: number; code: string };
  /**
   * What to show the doctor: the request (the form body, as a user would paste it) or, when the
   * mistake is not in the request's bytes (an unknown tenant, an unknown app, a certificate not
   * uploaded), Entra's answer, which the doctor explains from the catalog.
   */
  doctorInput?: "request" | "answer" | "proof";
  /** Header fields, claims or form fields where the mistake is: the renderer marks them. */
  focus: string[];
  /** A promise when the attempt needs a service first (the Key Vault recipe signs in the mock vault). */
  build(ctx: LabContext): Attempt | Promise<Attempt>;
  fix(ctx: LabContext): Attempt | Promise<Attempt>;
  fixText: FixText;
}

