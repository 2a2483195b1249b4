// Agent clients and their keys: keys are random, shown once, and stored only as a hash.
import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { unauthorized } from "@/lib/http/errors";

// A 256-bit random key needs no slow hash: nobody can guess it, so SHA-256 only hides it at rest.
function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export const CLIENT_NAME_RE = /^[A-Za-z0-9._-]{1,100}$/;

/** Creates (or re-keys) a client and returns its new key; the key is never stored in clear. */
export async function addClient(db: Db, name: string): Promise<string> {
  if (!CLIENT_NAME_RE.test(name)) throw new Error(`client name "${name}" must be 1-100 letters, digits, '.', '_' or '-'`);
  const key = randomBytes(32).toString("base64url");
  await db.agentClient.upsert({ where: { name }, create: { name, keyHash: hashKey(key) }, update: { keyHash: hashKey(key) } });
  return key;
}

/** Throws a 401 HttpError that says whether the client or the key was wrong. */
export async function authenticate(db: Db, client: string, key: string): Promise<void> {
  if (!client) throw unauthorized("missing client");
  if (!key) throw unauthorized("missing key");
  // No stored name has other characters, and one with a NUL would be refused by PostgreSQL itself.
  if (!CLIENT_NAME_RE.test(client)) throw unauthorized(`unknown client ${JSON.stringify(client.slice(0, 100))}: names are 1-100 letters, digits, '.', '_' or '-'`);
  const row = await db.agentClient.findUnique({ where: { name: client } });
  if (!row) throw unauthorized(`unknown client "${client.slice(0, 100)}"`);
  const expected = Buffer.from(row.keyHash, "hex");
  const actual = Buffer.from(hashKey(key), "hex");
  if (!timingSafeEqual(expected, actual)) throw unauthorized(`wrong key for client "${client}"`);
}
