// What an app process remembers (verified agent keys, the anonymous-read setting) follows a change made by another
// process at once: the database announces it on app_changes and every process drops its copy.
import { afterAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { db, disconnectDb } from "@/lib/db/client";
import { addClient, authenticate } from "@/lib/agents/keys";
import { anonymousReadAllowed } from "@/lib/auth/anonymous-read";

// Another app instance, as far as this process can tell: its own connection, changing rows behind this one's back.
const other = new pg.Client({ connectionString: inject("databaseUrl") });
await other.connect();
afterAll(async () => {
  await other.end();
  await disconnectDb();
});

/** Polls `check` until it holds or `ms` pass; the notification takes milliseconds, the cache would hold seconds. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) if (await check()) return true;
  return check();
}

describe("caches shared through PostgreSQL", () => {
  it("a client key removed by another instance is refused here well before the cache would expire", async () => {
    const name = `cache-${Date.now()}`;
    const key = await addClient(db(), name);
    await authenticate(name, key); // verified, and remembered for seconds once this process listens for changes
    await authenticate(name, key);
    await other.query(`DELETE FROM agent_clients WHERE name = $1`, [name]);
    const refused = await within(1000, () =>
      authenticate(name, key).then(
        () => false,
        (e: { status?: number }) => e.status === 401,
      ),
    );
    expect(refused).toBe(true);
  });

  it("a re-keyed client's old key stops working here at once", async () => {
    const name = `rekey-${Date.now()}`;
    const old = await addClient(db(), name);
    await authenticate(name, old);
    await other.query(`UPDATE agent_clients SET key_hash = repeat('0', 64) WHERE name = $1`, [name]);
    expect(
      await within(1000, () =>
        authenticate(name, old).then(
          () => false,
          () => true,
        ),
      ),
    ).toBe(true);
  });

  it("the anonymous-read setting changed by another instance applies here at once", async () => {
    await other.query(
      `INSERT INTO app_settings (name, value) VALUES ('anonymous_read', 'on') ON CONFLICT (name) DO UPDATE SET value = 'on'`,
    );
    expect(await within(1000, () => anonymousReadAllowed(db()))).toBe(true);
    await other.query(`UPDATE app_settings SET value = 'off' WHERE name = 'anonymous_read'`);
    // 500 ms is far less than the 2 s the copy would otherwise be kept.
    expect(await within(500, async () => !(await anonymousReadAllowed(db())))).toBe(true);
    await other.query(`DELETE FROM app_settings WHERE name = 'anonymous_read'`);
  });
});
