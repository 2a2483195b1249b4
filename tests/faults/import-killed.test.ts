// The import CLI killed (SIGKILL) while it writes a large run: the database holds all of the run or none of it,
// and importing the same file again then succeeds.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { triageFile } from "@/lib/demo/patch-triage";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let client: pg.Client;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "import-killed-"));
  client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  rmSync(dir, { recursive: true, force: true });
});

function runImport(file: string) {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts", "import.ts"), file], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c));
  child.stderr!.on("data", (c: Buffer) => (out += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  return { child, exit, output: () => out };
}

async function stored(workflow: string) {
  const { rows } = await client.query(
    "SELECT (SELECT count(*)::int FROM jobs WHERE workflow = $1) AS jobs, (SELECT count(*)::int FROM spans s JOIN jobs j ON j.id = s.job_id WHERE j.workflow = $1) AS spans",
    [workflow],
  );
  return rows[0] as { jobs: number; spans: number };
}

describe("import killed mid-transaction", () => {
  it("leaves nothing of the run, and the same import then stores all of it", async () => {
    // ~30,000 spans: six 5,000-row INSERT batches in one transaction, a window wide enough to kill it inside.
    const workflow = `import-kill-${randomUUID().slice(0, 8)}`;
    const run = triageFile(workflow, 15_000, 7);
    const file = path.join(dir, "big.json");
    writeFileSync(file, run.bytes);
    const before = (await client.query("SELECT count(*)::int AS n FROM spans")).rows[0].n as number;

    const killed = runImport(file);
    // Kill only once its backend is inside the transaction, writing span rows (a write makes it hold an xid).
    let backend: number | undefined;
    for (let i = 0; backend === undefined; i++) {
      const { rows } = await client.query(
        `SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()
           AND backend_xid IS NOT NULL AND state = 'active' AND query LIKE '%INSERT INTO spans%'`,
      );
      backend = rows[0]?.pid as number | undefined;
      if (backend === undefined) {
        if (killed.child.exitCode !== null) throw new Error(`the import ended before it could be killed:\n${killed.output()}`);
        await sleep(i < 2000 ? 10 : 100);
      }
    }
    killed.child.kill("SIGKILL");
    expect((await killed.exit).signal).toBe("SIGKILL");
    // PostgreSQL rolls the transaction back once it notices the client is gone.
    for (let i = 0; ; i++) {
      const { rowCount } = await client.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [backend]);
      if (!rowCount) break;
      if (i > 600) throw new Error(`backend ${backend} of the killed import is still there`);
      await sleep(100);
    }
    expect(await stored(workflow)).toEqual({ jobs: 0, spans: 0 });
    expect((await client.query("SELECT count(*)::int AS n FROM spans")).rows[0].n).toBe(before);

    const again = runImport(file);
    const { code } = await again.exit;
    expect(code, again.output()).toBe(0);
    expect(again.output()).toMatch(new RegExp(`${workflow}  ${run.spans} spans`));
    expect(await stored(workflow)).toEqual({ jobs: 1, spans: run.spans });
  }, 180_000);
});
