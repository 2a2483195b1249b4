// The layout rules of ARCHITECTURE.md, checked: no import cycles between lib/ folders, and lib/db imports no topic.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LIB = path.join(ROOT, "lib");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "generated") return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

/** lib/<folder> of a file, or the file's own name for files at lib/'s top ("limits.ts"). */
function unitOf(file: string): string {
  const rel = path.relative(LIB, file).split(path.sep);
  return rel.length > 1 ? rel[0]! : rel[0]!.replace(/\.tsx?$/, "");
}

/** Folder-level edges: unit -> units it imports (alias "@/lib/…" and relative imports alike). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(LIB)) {
    const from = unitOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      const spec = m[1]!;
      let target: string | null = null;
      if (spec.startsWith("@/lib/")) target = path.join(LIB, spec.slice("@/lib/".length));
      else if (spec.startsWith(".")) target = path.resolve(path.dirname(file), spec);
      if (!target || !target.startsWith(LIB + path.sep)) continue;
      const to = unitOf(target);
      if (to !== from && to !== "generated") edges.add(to);
    }
  }
  return graph;
}

function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (u: string): string[] | null => {
    state.set(u, "open");
    stack.push(u);
    for (const v of graph.get(u) ?? []) {
      if (state.get(v) === "open") return [...stack.slice(stack.indexOf(v)), v];
      if (!state.has(v)) {
        const c = visit(v);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(u, "done");
    return null;
  };
  for (const u of graph.keys()) {
    if (!state.has(u)) {
      const c = visit(u);
      if (c) return c;
    }
  }
  return null;
}

describe("lib/ layout", () => {
  const graph = folderGraph();

  it("has no import cycle between folders", () => {
    expect(findCycle(graph)).toBeNull();
  });

  it("lib/db imports no topic folder (only configuration, limits, the generated client and helpers that import nothing)", () => {
    // lib/turn.ts, lib/fair-turns.ts and lib/served-client.ts import nothing of the app: yielding the event loop, fair
    // turns and the request being served are no topic.
    expect([...(graph.get("db") ?? [])].filter((u) => !["config", "limits", "turn", "fair-turns", "served-client"].includes(u))).toEqual(
      [],
    );
  });

  it("sees the folders it checks (the scan is not empty)", () => {
    expect(graph.size).toBeGreaterThan(10);
    expect(graph.get("ingest")?.has("trajectory")).toBe(true);
  });
});
