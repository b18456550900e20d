/**
 * MSAL Python from Debian's python3-msal, run by the system interpreter (/usr/bin/python3, not a
 * pyenv python on PATH; INTEROP_PYTHON overrides it) with test/interop/python/msal_client.py. Trust: REQUESTS_CA_BUNDLE set to
 * the mock's CA in the child's environment only (overriding any machine-wide value).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runChild, type InteropMock, type TokenRequest } from "./harness.ts";

/** INTEROP_PYTHON picks another interpreter (e.g. a venv with a newer msal). */
export const SYSTEM_PYTHON = process.env.INTEROP_PYTHON || "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./python/msal_client.py", import.meta.url));
const TIMEOUT_MS = 60_000;

/** The environment of every MSAL Python child: nothing of a pyenv or a machine-wide CA bundle leaks in. */
const PYTHON_ENV = { PYTHONPATH: undefined, PYTHONHOME: undefined, PYTHONSTARTUP: undefined, CURL_CA_BUNDLE: undefined, REGION_NAME: undefined };

export interface PythonJob {
  authority: string;
  client_id: string;
  scopes: string[];
  private_key_path: string;
  thumbprint: string;
  public_certificate_path?: string;
  client_claims?: Record<string, unknown>;
  /** false, or an instance discovery URL; leave out for MSAL's default. */
  instance_discovery?: false | string;
}

export interface PythonAnswer {
  msal_version: string;
  result: { access_token?: string; error?: string; error_description?: string; error_codes?: number[]; [key: string]: unknown } | null;
  exception: string | null;
  requests: string[];
  refused: string[];
}

/** The installed MSAL Python version, or why it cannot be used. */
export async function msalPythonAvailability(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  if (!existsSync(SYSTEM_PYTHON)) return { ok: false, reason: `${SYSTEM_PYTHON} not found (apt-get install python3 python3-msal)` };
  const probe = await runChild(SYSTEM_PYTHON, ["-c", "import msal; print(msal.__version__)"], { env: PYTHON_ENV, timeoutMs: 30_000 });
  if (probe.code !== 0) return { ok: false, reason: `${SYSTEM_PYTHON} cannot import msal (apt-get install python3-msal)` };
  return { ok: true, version: probe.stdout.trim() };
}

export async function runMsalPython(mock: InteropMock, job: PythonJob): Promise<{ answer: PythonAnswer; sent: TokenRequest[] }> {
  const before = mock.tokenRequests().length;
  const result = await runChild(SYSTEM_PYTHON, [SCRIPT], {
    env: { ...PYTHON_ENV, REQUESTS_CA_BUNDLE: mock.caPath },
    input: JSON.stringify(job),
    timeoutMs: TIMEOUT_MS,
  });
  let answer: PythonAnswer;
  try {
    answer = JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as PythonAnswer;
  } catch {
    throw new Error(`msal_client.py printed no answer (exit ${result.code}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return { answer, sent: mock.tokenRequests().slice(before) };
}

/** "token", else the first AADSTS code of error_codes, else the exception's text. */
export function pythonOutcome(answer: PythonAnswer): string {
  if (answer.result?.access_token) return "token";
  const code = answer.result?.error_codes?.[0];
  if (code !== undefined) return `AADSTS${code}`;
  if (answer.result?.error) return answer.result.error;
  return answer.exception?.split("\n")[0]?.slice(0, 160) ?? "no result";
}
