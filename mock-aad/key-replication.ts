/**
 * Entra's replication lag, simulated: Graph writes a key change to the directory at once (GET
 * /applications/{id} shows it in the same second), while the token service reads a replica that
 * catches up later. Microsoft's docs warn that changes to an app registration can take a while to
 * apply; how long is not published, so the delay is an option (createMockAad's
 * replicationDelaySeconds, `npm run mock-aad -- --replication-delay <seconds>`), 0 by default.
 *
 * An application's keyCredentials are Graph's view. Each change made through addKey or removeKey
 * also leaves a note with the moment the token service sees it; until then the token service's view
 * is the keys as they were: an added key not there yet, a removed key still there.
 */
import type { Application, KeyCredential } from "./registry.ts";

/** A key change the token service has not seen yet, kept on the application until it has. */
export interface PendingKeyChange {
  kind: "added" | "removed";
  key: KeyCredential;
  /** From this moment the token service sees the change. */
  visibleAt: Date;
}

/** Where the notes live: beside the application, so a registry stays plain data without them. */
const pending = new WeakMap<Application, PendingKeyChange[]>();

/** Notes a change Graph has just made to `application.keyCredentials`; with no delay nothing is kept. */
export function recordKeyChange(application: Application, kind: PendingKeyChange["kind"], key: KeyCredential, now: Date, delaySeconds: number): void {
  if (!(delaySeconds > 0)) return;
  const list = pending.get(application) ?? [];
  list.push({ kind, key, visibleAt: new Date(now.getTime() + delaySeconds * 1000) });
  pending.set(application, list);
}

/** The changes the token service has not seen at `now` (oldest first). */
export function pendingKeyChanges(application: Application, now: Date): PendingKeyChange[] {
  const list = (pending.get(application) ?? []).filter((c) => now < c.visibleAt);
  if (list.length === 0) pending.delete(application);
  else pending.set(application, list);
  return list;
}

/**
 * The application as the token service sees it at `now`: Graph's keys, minus those added too
 * recently, plus those removed too recently. The same object when nothing is pending.
 */
export function tokenServiceView(application: Application, now: Date): Application {
  const changes = pendingKeyChanges(application, now);
  if (changes.length === 0) return application;
  let keys = application.keyCredentials.slice();
  // Undo the unseen changes, newest first.
  for (const change of changes.slice().reverse()) {
    if (change.kind === "added") keys = keys.filter((k) => k.keyId !== change.key.keyId);
    else if (!keys.some((k) => k.keyId === change.key.keyId)) keys.push(change.key);
  }
  return { ...application, keyCredentials: keys };
}
