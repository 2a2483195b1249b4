// `npm run test:deploy`: the production topology of docs/deploy.md, started for real on loopback and checked through
// its proxy: nginx terminating TLS (a self-signed certificate made here) in front of two app instances (the app's own
// start entry, `npm start`), a PostgreSQL 15 primary with a streaming replica (pg_basebackup -R), and the built-in
// agent pointed at the proxy. Each check prints a line; any failure makes the exit code 1. Everything started is
// stopped and every file removed, also on failure or Ctrl-C: the parent process only makes the certificate (so the
// child trusts it from its first line, NODE_EXTRA_CA_CERTS) and sweeps what the child leaves behind.
// The parts: scripts/deploy/host.ts (packages, certificate, sweep), topology.ts (starting everything), checks-proxy.ts
// and checks-scale.ts (the checks, run here in order: later ones use what earlier ones stored and broke).
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { failures, figures } from "./deploy/check";
import { ensurePackages, makeCertificate, sweep } from "./deploy/host";
import { elapsed, startTopology } from "./deploy/topology";
import {
  checkBuiltinAgent,
  checkHealth,
  checkLargeImport,
  checkLiveStream,
  checkOtlp,
  checkSession,
  checkSignInLimits,
  type Run,
} from "./deploy/checks-proxy";
import { checkBackup, checkHostileSearch, checkInstanceKilled, checkPrimaryCpu, checkReplica } from "./deploy/checks-scale";

/** The parent: packages, the certificate, the child, the sweep; exits with the child's code. */
async function parent(): Promise<never> {
  ensurePackages();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tv-deploy-"));
  chmodSync(dir, 0o755);
  const cert = makeCertificate(dir);
  const child = spawn(process.execPath, [...process.execArgv, import.meta.filename], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: cert, TEST_DEPLOY_DIR: dir },
  });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((r) => child.on("exit", (c, s) => r(c ?? (s ? 1 : 0))));
  sweep(dir);
  console.log(`test:deploy ${code === 0 ? "passed" : "FAILED"} in ${elapsed()}`);
  process.exit(code);
}

/** The child: the topology, then every check in order; 1 when any failed. */
async function child(dir: string): Promise<number> {
  const run: Run = { topo: await startTopology(dir), session: [], importedId: "" };
  await checkHealth(run);
  await checkSession(run);
  await checkLargeImport(run);
  await checkLiveStream(run);
  await checkOtlp(run);
  await checkBuiltinAgent(run);
  await checkInstanceKilled(run);
  await checkReplica(run);
  await checkPrimaryCpu(run);
  await checkHostileSearch(run);
  await checkSignInLimits(run);
  await checkBackup(run);
  await run.topo.stopAll();
  for (const f of figures) console.log(`  figure: ${f}`);
  console.log(failures.length ? `FAILED: ${failures.join("; ")}` : "all checks passed");
  return failures.length ? 1 : 0;
}

if (process.env.TEST_DEPLOY_DIR) {
  const code = await child(process.env.TEST_DEPLOY_DIR).catch((e: unknown) => {
    console.error(`test:deploy stopped: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  });
  process.exit(code);
} else {
  await parent();
}
