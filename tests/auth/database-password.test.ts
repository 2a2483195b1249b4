// The embedded PostgreSQL's superuser password: random per cluster, in a file only the app's user reads, kept across
// restarts; clusters made with the old built-in password are moved to a random one; no `trust` for TCP.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, stat, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PASSWORD_FILE, startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded-postgres";

const OLD_CONSTANT = "trajectory-viewer";
const folders: string[] = [];
afterAll(async () => {
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

async function clusterDir(): Promise<string> {
  const parent = await mkdtemp(path.join(os.tmpdir(), "trajectory-pw-test-"));
  folders.push(parent);
  return path.join(parent, "postgres");
}

/** Signs in as the superuser with `password`: "ok", or the SQLSTATE of the refusal. */
async function signInWith(server: EmbeddedPostgres, password: string): Promise<string> {
  const client = new pg.Client({ host: "127.0.0.1", port: server.port, user: "postgres", password, database: "postgres" });
  try {
    await client.connect();
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const filePassword = async (dataDir: string) => (await readFile(path.join(dataDir, PASSWORD_FILE), "utf8")).trim();

describe("the embedded PostgreSQL's password", () => {
  it("is random, kept in a 0600 file, used again after a restart; wrong passwords are refused and pg_hba has no trust", async () => {
    const dataDir = await clusterDir();
    let server = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      const password = await filePassword(dataDir);
      expect(password).not.toBe(OLD_CONSTANT);
      expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
      expect((await stat(path.join(dataDir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
      expect(decodeURIComponent(new URL(server.url).password)).toBe(password);
      expect(await signInWith(server, password)).toBe("ok");
      expect(await signInWith(server, OLD_CONSTANT)).toBe("28P01");
      expect(await signInWith(server, `${password}x`)).toBe("28P01");

      const hba = (await readFile(path.join(dataDir, "pg_hba.conf"), "utf8"))
        .split("\n")
        .filter((l) => l.trim() && !l.trim().startsWith("#"));
      const hostLines = hba.filter((l) => /^host/.test(l.trim()));
      expect(hostLines.length).toBeGreaterThan(0);
      for (const line of hba) expect(line).not.toMatch(/\btrust\b/);
      for (const line of hostLines) expect(line.trim().split(/\s+/).at(-1)).toBe("scram-sha-256");
      const settings = new pg.Client({ connectionString: server.url });
      await settings.connect();
      const listen = await settings.query("SHOW listen_addresses");
      await settings.end();
      expect(listen.rows[0].listen_addresses).toBe("127.0.0.1");

      await server.stop();
      server = await startEmbeddedPostgres({ dataDir, persistent: true });
      expect(decodeURIComponent(new URL(server.url).password)).toBe(password);
      expect(await signInWith(server, password)).toBe("ok");
    } finally {
      await server.stop();
    }
  });

  it("moves a cluster made with the old built-in password to a random one at its next start", async () => {
    const dataDir = await clusterDir();
    let server = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      // What a cluster of an earlier version looks like: the old constant, and no password file.
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(`ALTER ROLE postgres PASSWORD '${OLD_CONSTANT}'`);
      await client.end();
      await unlink(path.join(dataDir, PASSWORD_FILE));
      await server.stop();

      server = await startEmbeddedPostgres({ dataDir, persistent: true });
      const password = await filePassword(dataDir);
      expect(password).not.toBe(OLD_CONSTANT);
      expect((await stat(path.join(dataDir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
      expect(await signInWith(server, OLD_CONSTANT)).toBe("28P01");
      expect(await signInWith(server, password)).toBe("ok");
      // Its data is still there: the migration only changed the password.
      const data = new pg.Client({ connectionString: server.url });
      await data.connect();
      expect((await data.query("SELECT 1 FROM pg_database WHERE datname = 'trajectories'")).rowCount).toBe(1);
      await data.end();
    } finally {
      await server.stop();
    }
  });
});
