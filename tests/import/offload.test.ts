// Large imports in a child process (lib/import/offload.ts, lib/import/upload.ts), on a real PostgreSQL: an upload over
// IMPORT_INLINE_MAX_BYTES is imported by scripts/import-worker.ts exactly as inline, all or nothing, with its temp
// folder private while it runs and gone afterwards; a crashed, stopped or orphaned child stores nothing; uploads past
// their places answer 429, and a received upload waits its turn for an import process.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { triageFile } from "@/lib/demo/patch-triage";
import { importFiles } from "@/lib/import/import-files";
import {
  IMPORT_WORKER_SCRIPT,
  importInWorker,
  MAX_IMPORT_WORKERS,
  MAX_LARGE_UPLOADS,
  MAX_LARGE_UPLOADS_PER_OPERATOR,
  withImportFolder,
  withWorkerSlot,
} from "@/lib/import/offload";
import { importUpload } from "@/lib/import/upload";
import { HttpError } from "@/lib/http/errors";
import { IMPORT_INLINE_MAX_BYTES } from "@/lib/limits";
import { closePool } from "@/lib/db/pool";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const operator = { id: null, label: `offload-${randomUUID().slice(0, 8)}@example.org` };

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await closePool();
});

const trajectory = (workflow: string, steps: number): Buffer => triageFile(workflow, steps).bytes;
const big = (workflow: string) => trajectory(workflow, 5000); // ~3 MB, over IMPORT_INLINE_MAX_BYTES
const small = (workflow: string) => trajectory(workflow, 20);

/** A multipart upload as a browser or curl sends it: with its Content-Length. */
async function upload(files: { name: string; content: Buffer | string }[]): Promise<Request> {
  const form = new FormData();
  for (const f of files) form.append("file", new Blob([typeof f.content === "string" ? f.content : new Uint8Array(f.content)]), f.name);
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  return new Request("http://app.test/api/import", {
    method: "POST",
    body,
    headers: { "content-type": encoded.headers.get("content-type")!, "content-length": String(body.length) },
  });
}

/** This process's import worker, while one runs: its pid and the folder it was given. */
function runningWorker(): { pid: number; folder: string } | null {
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean);
    for (const pid of children.map(Number)) {
      const argv = (() => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        } catch {
          return [];
        }
      })();
      const i = argv.findIndex((a) => a.endsWith(IMPORT_WORKER_SCRIPT));
      if (i >= 0) return { pid, folder: argv[i + 1]! };
    }
  }
  return null;
}

/** Waits for this process's import worker, and the mode of its folder while it runs. */
async function awaitWorker(): Promise<{ pid: number; folder: string; mode: number }> {
  for (let i = 0; i < 3000; i++) {
    const w = runningWorker();
    if (w) return { ...w, mode: statSync(w.folder).mode & 0o777 };
    await sleep(10);
  }
  throw new Error("no import worker started");
}

/** The stored rows of a workflow's runs, as text (spans hashed in order), to compare two imports of the same files. */
async function storedRows(workflows: string[]) {
  const { rows } = await client.query(
    `SELECT j.workflow, row_to_json(j)::text AS job,
            (SELECT count(*)::int FROM spans s WHERE s.job_id = j.id) AS spans,
            (SELECT md5(string_agg(row_to_json(s)::text, '' ORDER BY s.seq)) FROM spans s WHERE s.job_id = j.id) AS span_rows
       FROM jobs j WHERE j.workflow = ANY($1) ORDER BY j.workflow`,
    [workflows],
  );
  return rows as { workflow: string; job: string; spans: number; span_rows: string }[];
}

async function auditRows(jobIds: string[]) {
  const { rows } = await client.query(
    `SELECT actor_label, action, target FROM audit_events WHERE action = 'import' AND target = ANY($1) ORDER BY target`,
    [jobIds],
  );
  return rows;
}

async function refusal(p: Promise<unknown>): Promise<HttpError> {
  const e = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(HttpError);
  return e as HttpError;
}

describe("an upload over IMPORT_INLINE_MAX_BYTES", () => {
  it("is imported by a child process exactly as inline: same jobs, same rows, audited under the operator; its private folder is gone afterwards", async () => {
    const wf = `offload-same-${randomUUID().slice(0, 8)}`;
    const files = [
      { name: "big.json", content: big(`${wf}-a`) },
      { name: "small.json", content: small(`${wf}-b`) },
    ];
    const req = await upload(files);
    expect(Number(req.headers.get("content-length"))).toBeGreaterThan(IMPORT_INLINE_MAX_BYTES);

    const pending = importUpload(req, operator);
    const worker = await awaitWorker();
    expect(worker.mode).toBe(0o700);
    const outcome = await pending;
    expect(existsSync(worker.folder)).toBe(false);
    expect(runningWorker()).toBeNull();
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    expect(outcome.jobs.map((j) => [j.file, j.workflow, j.created])).toEqual([
      ["big.json", `${wf}-a`, true],
      ["small.json", `${wf}-b`, true],
    ]);
    const ids = outcome.jobs.map((j) => j.id);
    expect(await auditRows(ids)).toEqual(ids.sort().map((target) => ({ actor_label: operator.label, action: "import", target })));
    const byChild = await storedRows([`${wf}-a`, `${wf}-b`]);
    expect(byChild.map((r) => r.spans)).toEqual(outcome.jobs.map((j) => j.spanCount));
    expect(byChild[0]!.spans).toBeGreaterThan(10_000);

    // The same files again on this thread, into an empty history, store the very same rows.
    await client.query("DELETE FROM jobs WHERE id = ANY($1)", [ids]);
    const inline = await importFiles(
      files.map((f) => ({ ...f })),
      operator,
    );
    if (!inline.ok) throw new Error(JSON.stringify(inline.errors));
    expect(inline.jobs).toEqual(outcome.jobs);
    expect(await storedRows([`${wf}-a`, `${wf}-b`])).toEqual(byChild);
  }, 120_000);

  it("with a bad file writes nothing and names the file", async () => {
    const wf = `offload-bad-${randomUUID().slice(0, 8)}`;
    const pending = importUpload(
      await upload([
        { name: "good.json", content: big(wf) },
        { name: "broken.json", content: '[{"Seq": 0,' },
      ]),
      operator,
    );
    const worker = await awaitWorker();
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatchObject({ file: "broken.json", code: "BadRequest" });
    expect(await storedRows([wf])).toEqual([]);
    expect(existsSync(worker.folder)).toBe(false);
  }, 120_000);

  it("sent without a Content-Length (chunked) goes to the child too, even when small", async () => {
    const wf = `offload-chunked-${randomUUID().slice(0, 8)}`;
    const bytes = small(wf);
    const body = new ReadableStream({ start: (c) => (c.enqueue(bytes), c.close()) });
    const req = new Request(`http://app.test/api/import?name=chunked.json`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(req.headers.get("content-length")).toBeNull();
    const pending = importUpload(req, operator);
    const worker = await awaitWorker();
    const outcome = await pending;
    expect(outcome.ok && outcome.jobs.map((j) => [j.file, j.workflow])).toEqual([["chunked.json", wf]]);
    expect(existsSync(worker.folder)).toBe(false);
  }, 120_000);
});

describe("a child that cannot finish", () => {
  it("killed mid-import (its transaction writing spans): 503 saying so, nothing stored, folder gone", async () => {
    const wf = `offload-killed-${randomUUID().slice(0, 8)}`;
    // ~30,000 spans: six INSERT batches in one transaction, a window wide enough to kill the child inside it.
    const pending = importUpload(await upload([{ name: "big.json", content: trajectory(wf, 15_000) }]), operator);
    const worker = await awaitWorker();
    let backend: number | undefined;
    for (let i = 0; backend === undefined; i++) {
      const { rows } = await client.query(
        `SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND query LIKE '%INSERT INTO spans%'`,
      );
      backend = rows[0]?.pid as number | undefined;
      if (i > 6000) throw new Error("the worker never wrote spans");
      if (backend === undefined) await sleep(5);
    }
    process.kill(worker.pid, "SIGKILL");
    const e = await refusal(pending);
    expect(e.status).toBe(503);
    expect(e.message).toBe("import failed: the import process was killed (SIGKILL); nothing was stored");
    expect(e.extra).toEqual({ errors: [{ file: "request", reason: e.message }] });
    expect(existsSync(worker.folder)).toBe(false);
    // PostgreSQL rolls the child's transaction back once it sees the connection gone.
    for (let i = 0; (await client.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [backend])).rowCount; i++) {
      if (i > 600) throw new Error(`backend ${backend} of the killed worker is still there`);
      await sleep(100);
    }
    expect(await storedRows([wf])).toEqual([]);
  }, 120_000);

  it("out of memory, past its time cap, or its request aborted: stopped, 503 saying which, nothing stored", async () => {
    const wf = `offload-capped-${randomUUID().slice(0, 8)}`;
    const content = big(wf);
    const attempt = (o: Parameters<typeof importInWorker>[3]) =>
      refusal(
        withImportFolder(operator.label, async (folder) => {
          await writeFile(path.join(folder, "0.upload"), content);
          return importInWorker(folder, [{ name: "big.json", file: "0.upload" }], operator, o);
        }),
      );
    expect((await attempt({ heapMb: 16 })).message).toBe(
      "import failed: the import process ran out of memory (its heap is capped at 16 MB); nothing was stored",
    );
    expect((await attempt({ timeoutMs: 300 })).message).toBe(
      "import failed: it ran past its time cap of 0.3 s and was stopped; nothing was stored",
    );
    const abort = new AbortController();
    const aborted = attempt({ signal: abort.signal });
    await awaitWorker();
    abort.abort();
    expect((await aborted).message).toBe("import failed: the request was aborted; nothing was stored");
    expect(runningWorker()).toBeNull();
    expect(await storedRows([wf])).toEqual([]);
  }, 120_000);

  it("orphaned (the app gone, its stdin closed): exits at once, removing its folder, nothing stored", async () => {
    const wf = `offload-orphan-${randomUUID().slice(0, 8)}`;
    await withImportFolder(operator.label, async (folder) => {
      await writeFile(path.join(folder, "0.upload"), big(wf));
      await writeFile(
        path.join(folder, "manifest.json"),
        JSON.stringify({ actor: operator, files: [{ name: "big.json", file: "0.upload" }] }),
      );
      const child = spawn(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", path.join(ROOT, IMPORT_WORKER_SCRIPT), folder],
        {
          cwd: ROOT,
          stdio: ["pipe", "ignore", "inherit"],
        },
      );
      const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.stdin!.end();
      expect(await exit).toBe(1);
      expect(existsSync(folder)).toBe(false);
    });
    expect(await storedRows([wf])).toEqual([]);
  }, 120_000);
});

describe("places", () => {
  it(`an operator's large uploads past ${MAX_LARGE_UPLOADS_PER_OPERATOR}, or anyone's past ${MAX_LARGE_UPLOADS}, are refused with 429 before they are read`, async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const mine = Array.from({ length: MAX_LARGE_UPLOADS_PER_OPERATOR }, () => withImportFolder(operator.label, () => held));
    const wf = `offload-busy-${randomUUID().slice(0, 8)}`;
    const req = await upload([{ name: "big.json", content: big(wf) }]);
    const e = await refusal(importUpload(req, operator));
    expect(e.status).toBe(429);
    expect(e.message).toMatch(/^an import is already running: 2 large uploads of yours at once at most/);
    expect(e.headers?.["retry-after"]).toBe("30");
    // The shape of every import failure, which clients read (the fuzz e2e test caught a bare one).
    expect(e.extra?.errors).toEqual([{ file: "request", reason: e.message }]);
    expect(req.bodyUsed).toBe(false);
    // A small upload is imported on the app's thread meanwhile, and another operator's large one goes on.
    const inline = await importUpload(await upload([{ name: "small.json", content: small(`${wf}-small`) }]), operator);
    expect(inline.ok).toBe(true);
    const other = { id: null, label: `other-${wf}@example.org` };
    const theirs = await importUpload(await upload([{ name: "big.json", content: big(`${wf}-other`) }]), other);
    expect(theirs.ok && theirs.jobs.map((j) => j.workflow)).toEqual([`${wf}-other`]);
    // Everyone's places full: refused too.
    const rest = Array.from({ length: MAX_LARGE_UPLOADS - MAX_LARGE_UPLOADS_PER_OPERATOR }, (_, k) =>
      withImportFolder(`filler-${k}`, () => held),
    );
    const full = await refusal(importUpload(await upload([{ name: "big.json", content: big(wf) }]), other));
    expect(full.message).toMatch(/^an import is already running: 4 large uploads at once at most/);
    release();
    await Promise.all([...mine, ...rest]);
    const again = await importUpload(await upload([{ name: "big.json", content: big(wf) }]), operator);
    expect(again.ok && again.jobs.map((j) => j.workflow)).toEqual([wf]);
  }, 120_000);

  it(`a received upload waits for one of ${MAX_IMPORT_WORKERS} import processes, in turn, and gives up when its request is aborted`, async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const busy = Array.from({ length: MAX_IMPORT_WORKERS }, () => withWorkerSlot(() => held));
    const wf = `offload-wait-${randomUUID().slice(0, 8)}`;
    const order: string[] = [];
    const first = importUpload(await upload([{ name: "big.json", content: big(`${wf}-1`) }]), operator).then((o) => {
      order.push("first");
      return o;
    });
    const abort = new AbortController();
    const gaveUp = refusal(withWorkerSlot(async () => "ran", abort.signal));
    await sleep(300);
    expect(order).toEqual([]);
    abort.abort();
    expect((await gaveUp).message).toBe("import failed: the request was aborted; nothing was stored");
    release();
    await Promise.all(busy);
    const done = await first;
    expect(done.ok && done.jobs.map((j) => j.workflow)).toEqual([`${wf}-1`]);
    // Every place is free again: as many as MAX_IMPORT_WORKERS run at once without waiting.
    const started: number[] = [];
    await Promise.all(Array.from({ length: MAX_IMPORT_WORKERS }, (_, k) => withWorkerSlot(async () => started.push(k))));
    expect(started).toHaveLength(MAX_IMPORT_WORKERS);
  }, 120_000);
});
