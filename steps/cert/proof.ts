/**
 * The proof-of-possession JWT that authorises Graph's addKey and removeKey, for a rotation: the
 * adapter between steps/cert and the kit's one proof builder (lib/entra/key-proof.ts). It returns
 * the proof and what the rotation prints about it.
 */
import { decodeJws } from "../../lib/crypto/jws.ts";
import type { Credential } from "../profile/credential.ts";
import type { CertLifeIo } from "../profile/io.ts";

export interface Proof {
  compact: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

// Until lib/entra/key-proof.ts is merged from graph-keys (its builder replaces this line).
function buildProof(_signer: Credential, _objectId: string, _io: CertLifeIo): string {
  throw new Error("the proof builder comes with the graph-keys merge");
}

/** A proof signed by `signer` for the application object `objectId`, valid from now for 10 minutes. */
export function proofFor(signer: Credential, objectId: string, io: CertLifeIo): Proof {
  const compact = buildProof(signer, objectId, io);
  const { header, payload } = decodeJws(compact);
  return { compact, header, claims: payload };
}
