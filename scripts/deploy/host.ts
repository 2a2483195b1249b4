// The parent side of `npm run test:deploy`: what must exist on the machine before the topology starts (Debian's
// nginx, PostgreSQL 15, openssl), the self-signed certificate the child trusts from its first line, and the sweep that
// stops whatever the child started (recorded in <dir>/pids) and removes its folder, also after a failure or Ctrl-C.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

/** Debian's PostgreSQL 15 binaries (initdb, pg_ctl, pg_basebackup, pg_dump, pg_restore). */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

function asRoot(cmd: string[]): void {
  const argv = process.getuid?.() === 0 ? cmd : ["sudo", ...cmd];
  execFileSync(argv[0]!, argv.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

/** Debian's nginx, PostgreSQL 15 and openssl, installed with apt-get when missing (as .ci/run installs Chromium). */
export function ensurePackages(): void {
  const missing = [
    ["nginx", existsSync("/usr/sbin/nginx")],
    ["postgresql-15", existsSync(path.join(PG_BIN, "pg_basebackup"))],
    ["openssl", spawnSync("openssl", ["version"]).status === 0],
  ].flatMap(([name, ok]) => (ok ? [] : [name as string]));
  if (!missing.length) return;
  console.log(`installing ${missing.join(", ")} (apt-get)`);
  asRoot(["apt-get", "update", "-qq"]);
  asRoot(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing]);
  // Debian's package starts a cluster of its own; this test runs its own clusters on other ports.
  spawnSync("pg_ctlcluster", ["15", "main", "stop"], { stdio: "ignore" });
}

/**
 * Writes a self-signed certificate for localhost and 127.0.0.1 (valid 2 days) as <dir>/cert.pem with its key in
 * <dir>/key.pem, where nginx's configuration reads them; returns the certificate's path. Throws when openssl fails.
 */
export function makeCertificate(dir: string): string {
  const cert = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", path.join(dir, "key.pem")].concat([
      "-out",
      cert,
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]),
    { stdio: "ignore" },
  );
  return cert;
}

/**
 * The uid and gid PostgreSQL runs as: the `postgres` user when this process is root (PostgreSQL refuses root), else
 * this process's own (empty). Throws when running as root without a postgres user.
 */
export function pgUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const out = spawnSync("id", ["-u", "postgres"]).stdout?.toString().trim();
  const gid = spawnSync("id", ["-g", "postgres"]).stdout?.toString().trim();
  if (!out) throw new Error("running as root, but there is no postgres user to run PostgreSQL as");
  return { uid: Number(out), gid: Number(gid) };
}

/**
 * Stops whatever the child recorded in <dir>/pids, newest first: "group <pid>" lines are process groups (SIGKILL),
 * "pgdata <dir>" lines are clusters (pg_ctl stop -m immediate); then removes `dir`.
 */
export function sweep(dir: string): void {
  const pids = existsSync(path.join(dir, "pids")) ? readFileSync(path.join(dir, "pids"), "utf8").split("\n").filter(Boolean) : [];
  for (const line of pids.reverse()) {
    const [kind, id] = line.split(" ");
    if (kind === "group") {
      try {
        process.kill(-Number(id), "SIGKILL");
      } catch {
        // already gone
      }
    } else if (kind === "pgdata" && existsSync(path.join(id!, "postmaster.pid"))) {
      spawnSync(path.join(PG_BIN, "pg_ctl"), ["-D", id!, "-m", "immediate", "-w", "stop"], { stdio: "ignore", ...pgUser() });
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
