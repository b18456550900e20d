/**
 * The proof-of-possession JWT that authorises Graph's addKey and removeKey, for a rotation: the
 * adapter between steps/cert and the kit's one proof builder (lib/entra/key-proof.ts). It returns
 * the proof and what the rotation prints about it.
 */
import { signProof } from "../../lib/entra/key-proof.ts";
import type { Credential } from "../profile/credential.ts";
import type { CertLifeIo } from "../profile/io.ts";

export interface Proof {
  compact: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** A proof signed by `signer` for the application object `objectId`, valid from now for 10 minutes. */
export function proofFor(signer: Credential, objectId: string, io: CertLifeIo): Proof {
  const proof = signProof({ applicationObjectId: objectId, now: Math.floor(io.now().getTime() / 1000), certificateDer: signer.certificate.der, key: signer.key });
  return { compact: proof.compact, header: { ...proof.headerObject }, claims: { ...proof.claims } };
}
