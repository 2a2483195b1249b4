// The production topology of docs/deploy.md, started for real on loopback for `npm run test:deploy`: a PostgreSQL 15
// primary with a streaming replica (pg_basebackup -R), the build, schema, users and agent keys an operator makes once,
// two app instances on the app's own start entry (`npm start`), nginx terminating TLS in front of them, and the
// built-in agent pointed at the proxy. Every process is started in a group of its own and recorded in <dir>/pids for
// the parent's sweep; their output goes to <dir>/<name>.log.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "@/lib/load/app";
import { nginxConfig } from "../test-deploy-nginx";
import { call } from "./http";
import { sleep } from "./check";
import { PgHost, pgUrl, sql } from "./postgres";

const ROOT = path.resolve(import.meta.dirname, "../..");
const T0 = Date.now();
/** Seconds since this process started, for progress lines. */
export const elapsed = () => `${((Date.now() - T0) / 1000).toFixed(0)}s`;

/** The running topology: its addresses, what the checks need to call and break, and how to stop it. */
export interface Topology {
  /** https://localhost:<port>, nginx */
  proxy: string;
  /** database URLs of the primary and the replica */
  primary: string;
  replica: string;
  primaryPort: number;
  replicaPort: number;
  primaryData: string;
  replicaData: string;
  pg: PgHost;
  /** the password of both users: ops@deploy.test (operator) and guarded@deploy.test (viewer) */
  password: string;
  /** the key of agent client "deploy-check" */
  checkKey: string;
  /** the app instances' processes (index 0 and 1) */
  apps: ChildProcess[];
  /** starts app instance `i` (1 or 2) again on its port, e.g. after a check killed it */
  restartApp(i: 1 | 2): void;
  /** the last `n` lines of <dir>/<name>.log (app1, app2, nginx, agent) */
  tail(name: string, n?: number): string;
  /** stops the agent, the app instances and nginx (the clusters are the parent's sweep's) */
  stopAll(): Promise<void>;
}

/**
 * Starts the whole topology in the folder `dir` (which holds cert.pem and key.pem) and waits until every part
 * answers. Ports are free ones, or TEST_DEPLOY_PORTS and the four after it. Throws, with the failing part's log, when
 * a command fails or a part does not become ready (apps: 180 s; nginx: 10 s).
 */
export async function startTopology(dir: string): Promise<Topology> {
  const record = (line: string) => appendFileSync(path.join(dir, "pids"), `${line}\n`);
  const fixed = Number(process.env.TEST_DEPLOY_PORTS ?? 0);
  const ports = fixed ? [0, 1, 2, 3, 4].map((i) => fixed + i) : await Promise.all([0, 1, 2, 3, 4].map(() => freePort()));
  const [proxyPort, app1Port, app2Port, primaryPort, replicaPort] = ports as [number, number, number, number, number];
  const proxy = `https://localhost:${proxyPort}`;
  const primary = pgUrl(primaryPort);
  const replica = pgUrl(replicaPort);

  /** A process in a group of its own (killed as a whole), its output kept in a log file. */
  const startProcess = (name: string, cmd: string, args: string[], env: Record<string, string>): ChildProcess => {
    const out = openSync(path.join(dir, `${name}.log`), "a");
    const p = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", out, out], detached: true });
    record(`group ${p.pid}`);
    return p;
  };
  const tail = (name: string, n = 15) => {
    try {
      return readFileSync(path.join(dir, `${name}.log`), "utf8")
        .split("\n")
        .slice(-n)
        .join("\n");
    } catch {
      return "";
    }
  };
  const runNpm = (args: string[], env: Record<string, string>, input?: string): string => {
    const r = spawnSync("npm", ["run", "--silent", ...args], { cwd: ROOT, env: { ...process.env, ...env }, input, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`npm run ${args.join(" ")} failed:\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };

  const started: { app: ChildProcess[]; agent?: ChildProcess; nginx?: ChildProcess } = { app: [] };
  const stopAll = async () => {
    started.agent?.kill("SIGTERM");
    for (const a of started.app) if (a.exitCode === null && a.signalCode === null) process.kill(-a.pid!, "SIGTERM");
    started.nginx?.kill("SIGQUIT");
    await sleep(1500);
  };
  process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));
  process.on("SIGTERM", () => void stopAll().then(() => process.exit(143)));

  console.log(
    `test:deploy in ${dir}: nginx ${proxyPort}, apps ${app1Port} ${app2Port}, PostgreSQL ${primaryPort} (primary) ${replicaPort} (replica)`,
  );

  // 1. PostgreSQL: a primary, then a streaming replica made from it.
  const pg = new PgHost(dir, record);
  const primaryData = pg.folder("primary");
  pg.cmd("initdb", ["-D", primaryData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
  pg.start(primaryData, primaryPort);
  await sql(pgUrl(primaryPort, "postgres"), "CREATE DATABASE trajectories");
  const replicaData = pg.folder("replica");
  pg.cmd("pg_basebackup", [
    "-h",
    "127.0.0.1",
    "-p",
    String(primaryPort),
    "-U",
    "postgres",
    "-D",
    replicaData,
    "-R",
    "-X",
    "stream",
    "-c",
    "fast",
  ]);
  pg.start(replicaData, replicaPort);
  console.log(`[${elapsed()}] PostgreSQL primary and replica up`);

  // 2. The build, the schema, a user and agent keys: what an operator runs once (docs/deploy.md).
  runNpm(["build"], {});
  runNpm(["db:migrate"], { DATABASE_URL: primary });
  const password = randomBytes(12).toString("base64url");
  runNpm(["user:add", "--", "--operator", "--password-stdin", "ops@deploy.test"], { DATABASE_URL: primary }, password);
  runNpm(["user:add", "--", "--password-stdin", "guarded@deploy.test"], { DATABASE_URL: primary }, password);
  const builtinKey = runNpm(["agent:add", "--", "builtin-agent"], { DATABASE_URL: primary }).trim();
  const checkKey = runNpm(["agent:add", "--", "deploy-check"], { DATABASE_URL: primary }).trim();
  console.log(`[${elapsed()}] built, migrated, users and agent keys added`);

  // 3. Two app instances on the app's start entry, both on the primary and the replica.
  const randomSecret = randomBytes(32).toString("base64url");
  const appEnv = (port: number): Record<string, string> => ({
    DATABASE_URL: primary,
    DATABASE_READ_URL: replica,
    DB_REPLICA_MAX_LAG_SECONDS: "2",
    // Short, so the hostile search meets it: a query stopped at its limit must answer 503 with the reason.
    DB_EXPENSIVE_TIMEOUT_SECONDS: "0.5",
    PORT: String(port),
    HOST: "127.0.0.1",
    BETTER_AUTH_URL: proxy,
    BETTER_AUTH_SECRET: randomSecret,
    TRUSTED_PROXIES: "127.0.0.1",
    ANONYMOUS_READ: "on",
    NODE_ENV: "production",
  });
  const appPorts = [app1Port, app2Port];
  const startApp = (i: 1 | 2) => startProcess(`app${i}`, "npm", ["start", "--", "--no-agent", "--no-demo"], appEnv(appPorts[i - 1]!));
  started.app = [startApp(1), startApp(2)];
  for (const [i, port] of appPorts.entries()) {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health?ready=1`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || started.app[i]!.exitCode !== null)
        throw new Error(`app ${i + 1} did not become ready:\n${tail(`app${i + 1}`)}`);
      await sleep(300);
    }
  }
  console.log(`[${elapsed()}] two app instances ready`);

  // 4. nginx: TLS, both instances, no buffering for event streams, large uploads streamed.
  const nginxConf = path.join(dir, "nginx.conf");
  writeFileSync(
    nginxConf,
    nginxConfig({
      listen: `127.0.0.1:${proxyPort} ssl`,
      upstreams: [`127.0.0.1:${app1Port}`, `127.0.0.1:${app2Port}`],
      certDir: dir,
      runDir: dir,
      user: process.getuid?.() === 0 ? "root" : undefined,
    }),
  );
  const nginxCheck = spawnSync("/usr/sbin/nginx", ["-t", "-p", dir, "-c", nginxConf], { encoding: "utf8" });
  if (nginxCheck.status !== 0) throw new Error(`nginx -t: ${nginxCheck.stderr}`);
  started.nginx = startProcess("nginx", "/usr/sbin/nginx", ["-p", dir, "-c", nginxConf], {});
  for (let i = 0; ; i++) {
    const up = await call(`${proxy}/api/health`).then(
      (a) => a.status === 200,
      () => false,
    );
    if (up) break;
    if (i > 50) throw new Error(`nginx did not answer:\n${tail("nginx")}`);
    await sleep(200);
  }

  // 5. The built-in agent, pointed at the proxy.
  started.agent = startProcess("agent", "npm", ["run", "agent"], {
    TRAJECTORY_URL: proxy,
    AGENT_CLIENT: "builtin-agent",
    AGENT_KEY: builtinKey,
    AGENT_MODEL: "replay",
  });
  console.log(`[${elapsed()}] nginx (TLS) and the built-in agent up; checks through ${proxy}:`);

  return {
    proxy,
    primary,
    replica,
    primaryPort,
    replicaPort,
    primaryData,
    replicaData,
    pg,
    password,
    checkKey,
    apps: started.app,
    restartApp: (i) => void (started.app[i - 1] = startApp(i)),
    tail,
    stopAll,
  };
}
