// Whether people who are not signed in may read runs: an admin's choice kept in the database, else ANONYMOUS_READ, else on outside production.
import "server-only";
import type { Db } from "@/lib/db/client";
import { appConfig } from "@/lib/config";
import { invalidatedBy } from "@/lib/db/listen";
import { recordAudit, type Actor } from "@/lib/audit/log";

const SETTING = "anonymous_read";
// Read on every request; a short cache keeps that off the database. A change through any app instance is announced
// on app_changes and drops every instance's copy at once; the expiry only bounds a copy while that channel is down.
const CACHE_MS = 2000;
let cached: { value: boolean; at: number } | null = null;
const followSettingChanges = invalidatedBy(
  "app_changes",
  (payload) => {
    if (payload === `setting:${SETTING}`) cached = null;
  },
  () => (cached = null),
);

/** The default when no admin chose: ANONYMOUS_READ=on|off; unset, on in development and off when NODE_ENV=production. */
export function anonymousReadDefault(): boolean {
  const { ANONYMOUS_READ, NODE_ENV } = appConfig();
  return ANONYMOUS_READ ?? NODE_ENV !== "production";
}

export async function anonymousReadAllowed(db: Db): Promise<boolean> {
  const heard = followSettingChanges();
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
  const row = await db.appSetting.findUnique({ where: { name: SETTING } });
  const value = row ? row.value === "on" : anonymousReadDefault();
  // Kept only while another instance's change would be heard of (lib/db/listen.ts).
  cached = heard ? { value, at: Date.now() } : null;
  return value;
}

export async function setAnonymousRead(db: Db, allowed: boolean, actor: Actor): Promise<void> {
  const value = allowed ? "on" : "off";
  await db.$transaction(async (tx) => {
    await tx.appSetting.upsert({ where: { name: SETTING }, create: { name: SETTING, value }, update: { value } });
    await recordAudit(tx, actor, "setting", SETTING, { to: value });
  });
  cached = null;
}
