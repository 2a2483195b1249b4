// PostgreSQL 15 clusters for `npm run test:deploy`, run from Debian's binaries as the postgres user when root: their
// folders, starting one (every cluster recorded for the parent's sweep), SQL on a fresh connection, and the CPU a
// cluster has used (the figure the replica's check compares).
import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { cpuSeconds } from "@/lib/load/cpu";
import { PG_BIN, pgUser } from "./host";

/** postgresql:// URL of database `db` on the loopback cluster at `port`, as the postgres user (trust auth). */
export const pgUrl = (port: number, db = "trajectories") => `postgresql://postgres@127.0.0.1:${port}/${db}`;

/** Runs `text` on a connection of its own to `url` and returns its rows; throws what PostgreSQL answered. */
export async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/**
 * CPU seconds of a cluster so far: the postmaster's own and its reaped backends' (utime, stime, cutime, cstime of
 * /proc/<postmaster>/stat) plus those of the backends alive now. The postmaster's pid is postmaster.pid's first line.
 */
export function clusterCpu(data: string): number {
  const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const reaped = (Number(f[13]) + Number(f[14])) / 100;
  return cpuSeconds(pid) + reaped;
}

/** The clusters' side of the test's folder `dir`; `record` notes each started cluster for the parent's sweep. */
export class PgHost {
  private readonly user = pgUser();
  /** A folder PostgreSQL's user may write: sockets, server logs, the dump. */
  readonly run: string;

  constructor(
    private readonly dir: string,
    private readonly record: (line: string) => void,
  ) {
    this.run = this.folder("pgrun");
  }

  /** Runs one of PostgreSQL's programs (`bin` in PG_BIN) as its user; throws with its output when it fails. */
  cmd(bin: string, args: string[]): void {
    const r = spawnSync(path.join(PG_BIN, bin), args, { ...this.user, cwd: this.dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(" ")}: ${r.stderr || r.stdout}`);
  }

  /** A new folder <dir>/<name> (mode 700) owned by PostgreSQL's user: a data directory or the run folder. */
  folder(name: string): string {
    const d = path.join(this.dir, name);
    mkdirSync(d, { mode: 0o700 });
    if (this.user.uid !== undefined) chownSync(d, this.user.uid, this.user.gid!);
    return d;
  }

  /** Starts the cluster in `data` on 127.0.0.1:`port`, ready for streaming replication, and waits until it accepts connections. */
  start(data: string, port: number): void {
    this.record(`pgdata ${data}`);
    const opts = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${this.run}`,
      "-c max_connections=300",
      "-c shared_buffers=64MB",
      "-c wal_level=replica",
      "-c max_wal_senders=5",
      "-c hot_standby=on",
      // The test's own throwaway clusters: durability against power loss is not what is checked here.
      "-c fsync=off",
    ].join(" ");
    this.cmd("pg_ctl", ["-D", data, "-l", path.join(this.run, `${path.basename(data)}.log`), "-o", opts, "-w", "-t", "60", "start"]);
  }
}
