// Builds the Next.js app when its sources changed since the last build, so `npm start` is one command.
import { toolConfig } from "@/lib/config";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
// Not tsconfig.json: every next build rewrites its include list, which would make each build look stale.
const SOURCES = ["app", "components", "lib", "public", "proxy.ts", "next.config.js", "postcss.config.mjs", "package-lock.json"];
const DIST = path.join(ROOT, toolConfig().NEXT_DIST_DIR);
const STAMP = path.join(DIST, "source-fingerprint");

function walk(p: string, out: string[]): void {
  if (!existsSync(p)) return;
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const name of readdirSync(p).sort()) walk(path.join(p, name), out);
  } else {
    out.push(`${path.relative(ROOT, p)}:${st.size}:${st.mtimeMs}`);
  }
}

function fingerprint(): string {
  const files: string[] = [];
  for (const s of SOURCES) walk(path.join(ROOT, s), files);
  return createHash("sha256").update(files.join("\n")).digest("hex");
}

export function buildIfStale(): void {
  const current = fingerprint();
  const built = existsSync(path.join(DIST, "BUILD_ID")) && existsSync(STAMP) ? readFileSync(STAMP, "utf8") : "";
  if (built === current) return;
  console.log("Building the app (first start or changed sources)…");
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`next build failed with exit code ${r.status}`);
  // Fingerprint again: next build may rewrite tsconfig.json.
  writeFileSync(STAMP, fingerprint());
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) buildIfStale();
