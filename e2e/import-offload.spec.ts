// A large upload over real HTTP against the built app: POST /api/import hands it to a child process (lib/import/offload.ts)
// that stores it as an inline import would — its jobs, every span, an audit row naming the operator — or, with a bad
// file among the files, stores nothing and answers 400 naming that file; the child's private temp folder is gone after.
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { triageFile } from "../lib/demo/patch-triage";
import { IMPORT_INLINE_MAX_BYTES } from "../lib/limits";
import { withDb } from "./db";
import { addUser, type TestUser } from "./users";

const ROOT = path.resolve(import.meta.dirname, "..");
const WORKER = path.join("scripts", "import-worker.ts");

const trajectory = (workflow: string, steps: number) => triageFile(workflow, steps, 5);

/** This app's import worker while one runs (a process of this checkout running scripts/import-worker.ts): its folder. */
function workerFolder(): string | null {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      const i = argv.findIndex((a) => a.endsWith(WORKER));
      if (i >= 0 && readlinkSync(`/proc/${name}/cwd`) === ROOT) return argv[i + 1]!;
    } catch {
      // the process ended meanwhile
    }
  }
  return null;
}

/** Posts `files` in one multipart request while watching for the worker; the answer and the folder it had (with its mode). */
async function uploadWatched(api: APIRequestContext, files: { name: string; bytes: Buffer }[]) {
  const form = new FormData();
  for (const f of files) form.append("file", new Blob([new Uint8Array(f.bytes)]), f.name);
  let seen: { folder: string; mode: number } | null = null;
  let watching = true;
  const watch = (async () => {
    while (watching && !seen) {
      const folder = workerFolder();
      if (folder) seen = { folder, mode: statSync(folder).mode & 0o777 };
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const res = await api.post("/api/import", { multipart: form, timeout: 180_000 });
  watching = false;
  await watch;
  return { status: res.status(), body: await res.json(), seen: seen as { folder: string; mode: number } | null };
}

let operator: TestUser;
let api: APIRequestContext;
test.beforeAll(async ({ playwright, baseURL }) => {
  operator = await addUser("operator", "offload");
  api = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  // better-auth wants the Origin of a cookie-setting POST, as a browser sends it.
  const signIn = await api.post("/api/auth/sign-in/email", {
    data: { email: operator.email, password: operator.password },
    headers: { origin: baseURL! },
  });
  expect(signIn.status(), await signIn.text()).toBe(200);
});
test.afterAll(async () => api?.dispose());

test("a large upload is imported by a child process: its jobs, every span, audited under the operator; the temp folder is gone", async () => {
  test.setTimeout(240_000);
  const wf = `offload-e2e-${Date.now()}`;
  const big = trajectory(`${wf}-a`, 4000);
  const small = trajectory(`${wf}-b`, 10);
  expect(big.bytes.length + small.bytes.length).toBeGreaterThan(IMPORT_INLINE_MAX_BYTES);

  const { status, body, seen } = await uploadWatched(api, [
    { name: "big.json", bytes: big.bytes },
    { name: "small.json", bytes: small.bytes },
  ]);
  expect(status, JSON.stringify(body)).toBe(200);
  expect(seen, "an import worker ran").not.toBeNull();
  expect(seen!.mode).toBe(0o700);
  expect(statSafe(seen!.folder)).toBeNull();
  expect(
    body.jobs.map((j: { file: string; workflow: string; spans: number; created: boolean }) => [j.file, j.workflow, j.spans, j.created]),
  ).toEqual([
    ["big.json", `${wf}-a`, big.spans, true],
    ["small.json", `${wf}-b`, small.spans, true],
  ]);
  const ids = body.jobs.map((j: { id: string }) => j.id);
  const stored = await withDb((c) =>
    c.query(
      `SELECT j.id, j.source, (SELECT count(*)::int FROM spans s WHERE s.job_id = j.id) AS spans,
              (SELECT actor_label FROM audit_events a WHERE a.action = 'import' AND a.target = j.id::text) AS audited_as
         FROM jobs j WHERE j.id = ANY($1) ORDER BY j.workflow`,
      [ids],
    ),
  );
  expect(stored.rows).toEqual([
    { id: ids[0], source: "trajectory-file", spans: big.spans, audited_as: operator.email },
    { id: ids[1], source: "trajectory-file", spans: small.spans, audited_as: operator.email },
  ]);

  // The same upload again: the child finds both runs stored with the same content, as an inline import would.
  const again = await uploadWatched(api, [
    { name: "big.json", bytes: big.bytes },
    { name: "small.json", bytes: small.bytes },
  ]);
  expect(again.status).toBe(200);
  expect(again.body.jobs.map((j: { id: string; created: boolean }) => [j.id, j.created])).toEqual([
    [ids[0], false],
    [ids[1], false],
  ]);
});

test("a large upload with a bad file among its files stores nothing and answers 400 naming the file", async () => {
  test.setTimeout(240_000);
  const wf = `offload-e2e-bad-${Date.now()}`;
  const good = trajectory(wf, 4000);
  const { status, body, seen } = await uploadWatched(api, [
    { name: "good.json", bytes: good.bytes },
    { name: "broken.json", bytes: Buffer.from('[{"Seq": 0, "Type": "flow"') },
  ]);
  expect(status).toBe(400);
  expect(body.code).toBe("BadRequest");
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].file).toBe("broken.json");
  expect(body.error).toMatch(/^broken\.json: /);
  expect(seen, "an import worker ran").not.toBeNull();
  expect(statSafe(seen!.folder)).toBeNull();
  const stored = await withDb((c) => c.query("SELECT count(*)::int AS n FROM jobs WHERE workflow = $1", [wf]));
  expect(stored.rows[0].n).toBe(0);
});

function statSafe(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}
