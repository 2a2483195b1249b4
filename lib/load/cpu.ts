// CPU time of processes and their descendants from /proc (Linux), and the hottest functions of a V8 CPU profile: what
// the ingest bench reports beside its rates.
import { readdirSync, readFileSync } from "node:fs";

// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s on every common build.
const TICKS_PER_SECOND = 100;

function stat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces; fields after it are space-separated.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** The pids of `root` and every process below it. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const f = stat(pid);
    if (!f) continue;
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** User + system CPU seconds used so far by `root` and its descendants that are alive now. */
export function cpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const f = stat(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of the whole line)
  }
  return ticks / TICKS_PER_SECOND;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/**
 * The `n` functions with the most self time in a .cpuprofile (node --cpu-prof), as "ms  %  function  file:line";
 * with `lastSeconds`, only the samples of that many seconds before the profile ended (plus one).
 */
export function topFunctions(profileJson: string, n = 15, lastSeconds?: number): string[] {
  const p = JSON.parse(profileJson) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const from = lastSeconds === undefined ? -Infinity : p.endTime - (lastSeconds + 1) * 1e6;
  let at = p.startTime;
  const byNode = new Map(p.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (at < from) return;
    const node = byNode.get(id)!;
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules|\.next|lib|app)\//, "$1/")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"}  ${where}`;
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  });
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
}
