// The request being served, as work deep below it sees it without the request: its client address (set by the app's
// server around each request, lib/server/admission.ts) and what the sign-in limits learnt of it. Resources shared per
// client read it: password checks (lib/auth/password-turns.ts), the expensive readers' connections (lib/db/fair-pool.ts),
// cold comparisons (lib/compare/comparison.ts). It imports nothing of the app, so any layer may read it.
import { AsyncLocalStorage } from "node:async_hooks";

const servedClient = new AsyncLocalStorage<{ address: string; knownSignIn: boolean }>();

/** Runs `fn` (a request's handling, lib/server/admission.ts) with `address` as the client it serves. */
export function servingClient<T>(address: string, fn: () => T): T {
  return servedClient.run({ address, knownSignIn: false }, fn);
}

/**
 * The client address of the request this work serves (set by the app's server around each request), "" outside one:
 * password checks take turns per client with it (lib/auth/password-turns.ts), which better-auth calls without the
 * request.
 */
export function servedClientAddress(): string {
  return servedClient.getStore()?.address ?? "";
}

/**
 * Marks the request being served as a sign-in at an account from an address it signed in from before
 * (lib/auth/sign-in-limit.ts): its password check takes a lane of its own (lib/auth/password-turns.ts). Nothing
 * outside a served request.
 */
export function markKnownSignIn(): void {
  const store = servedClient.getStore();
  if (store) store.knownSignIn = true;
}

/** True when the request being served is a sign-in from an address its account signed in from before (markKnownSignIn). */
export function servingKnownSignIn(): boolean {
  return servedClient.getStore()?.knownSignIn ?? false;
}
