/** Reading the workspace's certificate, with a clear sentence when the file was damaged or replaced. */
import { KitError } from "../lib/errors.ts";
import { parseCertificate, type CertificateInfo } from "../lib/formats/x509/index.ts";
import type { Context } from "./context.ts";

export function readWorkspaceCertificate(ctx: Context): CertificateInfo {
  try {
    return parseCertificate(ctx.ws.read("cert.cer"));
  } catch (error) {
    if (!(error instanceof KitError) || error.code === "ARTIFACT_READ") throw error;
    throw new KitError("ARTIFACT_DAMAGED", `${ctx.ws.display("cert.cer")} is not a certificate any more (${error.message.replace(/\.$/, "")}).`, `Restore it from ${ctx.ws.display("previous")}, or make a new pair: ${ctx.stepCommand(1, "--new")}.`);
  }
}
