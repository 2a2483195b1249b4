// The secret that signs session cookies: BETTER_AUTH_SECRET when set, else one generated once and kept in the database.
import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { appConfig } from "@/lib/config";

const NAME = "auth_secret";

/** Kept in the database so every app process on it (and every restart) signs cookies alike without configuration. */
export async function authSecret(db: Db): Promise<string> {
  const fromEnv = appConfig().BETTER_AUTH_SECRET;
  if (fromEnv) return fromEnv;
  const fresh = randomBytes(32).toString("base64url");
  // Two processes starting at once: the first insert wins and both read it back.
  await db.appSetting.createMany({ data: [{ name: NAME, value: fresh }], skipDuplicates: true });
  const row = await db.appSetting.findUniqueOrThrow({ where: { name: NAME } });
  return row.value;
}
