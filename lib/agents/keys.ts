// Agent clients and their keys: keys are random, shown once, and stored only as a hash; verified keys are remembered a
// few seconds so a busy agent's every span does not cost a database read.
import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { invalidatedBy } from "@/lib/db/listen";
import { unauthorized } from "@/lib/http/errors";

// A 256-bit random key needs no slow hash: nobody can guess it, so SHA-256 only hides it at rest.
function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export const CLIENT_NAME_RE = /^[A-Za-z0-9._-]{1,100}$/;

/** How long a verified client and key stay trusted without asking the database, ms. */
const KEY_CACHE_MS = 5_000;

// "client\0sha256(key)" → when it stops being trusted. Only keys that matched are kept: a guess is never cached.
const verified = new Map<string, number>();

/** Forgets the verified keys of a client (removed or re-keyed; every app process hears of it through app_changes). */
export function forgetClient(name: string): void {
  for (const k of verified.keys()) if (k.startsWith(`${name}\u0000`)) verified.delete(k);
}

const AGENT_KEY_CHANGE = "agent_key:";
// Another app instance (or the command line) re-keyed or removed a client: forget it here too, at once.
const followKeyChanges = invalidatedBy(
  "app_changes",
  (payload) => payload.startsWith(AGENT_KEY_CHANGE) && forgetClient(payload.slice(AGENT_KEY_CHANGE.length)),
  () => verified.clear(),
);

/** Creates (or re-keys) a client and returns its new key; the key is never stored in clear. */
export async function addClient(db: Db, name: string): Promise<string> {
  if (!CLIENT_NAME_RE.test(name)) throw new Error(`client name "${name}" must be 1-100 letters, digits, '.', '_' or '-'`);
  const key = randomBytes(32).toString("base64url");
  await db.agentClient.upsert({ where: { name }, create: { name, keyHash: hashKey(key) }, update: { keyHash: hashKey(key) } });
  forgetClient(name);
  return key;
}

/** The one answer to a wrong client or key: which of the two was wrong is not said (no client enumeration). */
const REFUSED = "unknown client or wrong key";

/** Throws a 401 HttpError unless `key` is the client's key. */
export async function authenticate(client: string, key: string, now = Date.now()): Promise<void> {
  if (!client) throw unauthorized("missing client");
  if (!key) throw unauthorized("missing key");
  // No stored name has other characters, and one with a NUL would be refused by PostgreSQL itself.
  if (!CLIENT_NAME_RE.test(client)) throw unauthorized(REFUSED);
  const heard = followKeyChanges();
  const hash = hashKey(key);
  const cacheKey = `${client}\u0000${hash}`;
  if ((verified.get(cacheKey) ?? 0) > now) return;
  const { rows } = await pool().query<{ key_hash: string }>(`SELECT key_hash FROM agent_clients WHERE name = $1`, [client]);
  const expected = Buffer.from(rows[0]?.key_hash ?? "0".repeat(64), "hex");
  const ok = timingSafeEqual(expected, Buffer.from(hash, "hex")) && rows.length > 0;
  if (!ok) throw unauthorized(REFUSED);
  // Remembered only while changes from other instances would be heard of (lib/db/listen.ts).
  if (!heard) return;
  if (verified.size > 10_000) verified.clear();
  verified.set(cacheKey, now + KEY_CACHE_MS);
}

/**
 * The client whose key `key` is (keys are 256-bit random, so one client at most has it), for callers that send only
 * a key (OTLP's `Authorization: Bearer <key>`); throws a 401 HttpError when no client has it.
 */
export async function clientOfKey(key: string, now = Date.now()): Promise<string> {
  if (!key) throw unauthorized("missing key");
  const { rows } = await pool().query<{ name: string }>(`SELECT name FROM agent_clients WHERE key_hash = $1`, [hashKey(key)]);
  if (!rows[0]) throw unauthorized(REFUSED);
  // The same check (and cache) as a client-and-key caller gets.
  await authenticate(rows[0].name, key, now);
  return rows[0].name;
}
