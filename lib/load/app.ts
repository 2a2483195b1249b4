// Starts the app as its own process the way the end-to-end tests do (scripts/start.ts), for load runs and fault tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface AppProcess {
  url: string;
  /** the database the app uses (its throwaway one, or the DATABASE_URL it was given) */
  databaseUrl: string;
  pid: number;
  /** the last lines the app printed, for error messages */
  output(): string;
  /** SIGTERM (start.ts then stops Next and a throwaway PostgreSQL), SIGKILL if that hangs; resolves on exit. */
  stop(): Promise<void>;
}

export interface StartAppOptions {
  port?: number;
  /** extra environment: DATABASE_URL to use a database the caller controls, AGENT_SILENT_TIMEOUT_SECONDS, … */
  env?: Record<string, string>;
  /** start.ts flags; default a throwaway database and no built-in agent, as e2e */
  args?: string[];
  /** how long building (when stale) and starting may take */
  timeoutMs?: number;
}

/** A port nobody listens on right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startApp(o: StartAppOptions = {}): Promise<AppProcess> {
  const port = o.port ?? (await freePort());
  const tmp = mkdtempSync(path.join(os.tmpdir(), "trajectory-app-"));
  const urlFile = path.join(tmp, "database-url");
  const child: ChildProcess = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts", "start.ts"), ...(o.args ?? ["--throwaway", "--no-agent"])],
    {
      cwd: ROOT,
      env: { ...process.env, ...o.env, PORT: String(port), HOST: "127.0.0.1", TRAJECTORY_URL_FILE: urlFile, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  const keep = (c: Buffer) => (out = (out + c.toString()).slice(-8000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(tmp, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  for (;;) {
    if (!alive()) {
      await stop();
      throw new Error(`the app exited before answering:\n${out}`);
    }
    // Any answer means Next is serving; 404 for a job that does not exist is the cheapest one.
    const up = await fetch(`${url}/api/jobs/00000000-0000-0000-0000-000000000000`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app did not answer within ${o.timeoutMs ?? 600_000} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const databaseUrl = o.env?.DATABASE_URL ?? readFileSync(urlFile, "utf8").trim();
  return { url, databaseUrl, pid: child.pid!, output: () => out, stop };
}

/** The app's server (scripts/serve.ts, as npm start runs it) under `node --cpu-prof`; the profile is written on SIGTERM. */
export async function startProfiledApp(databaseUrl: string, dir: string): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts", "serve.ts")],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
      },
      stdio: "ignore",
    },
  );
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${url}/api/jobs/00000000-0000-0000-0000-000000000000`).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, databaseUrl, pid: child.pid!, output: () => "", stop: async () => (child.kill("SIGTERM"), await exited) };
}
