// `npm run import -- <files or folders…>`: imports trajectories, one line per job, non-zero exit if anything failed.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { withDatabase } from "@/lib/db/with-database";
import { importFiles } from "@/lib/import/import-files";
import { COMMAND_LINE } from "@/lib/audit/log";

function filesIn(p: string): string[] {
  const st = statSync(p);
  if (!st.isDirectory()) return [p];
  return readdirSync(p)
    .filter((n) => !n.startsWith("."))
    .sort()
    .flatMap((n) => filesIn(path.join(p, n)));
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: npm run import -- <files or folders…>");
  process.exit(2);
}

let failed = 0;
await withDatabase(async () => {
  for (const arg of args) {
    let files: string[];
    try {
      files = filesIn(arg);
    } catch {
      console.error(`${arg}: no such file or folder`);
      failed++;
      continue;
    }
    for (const file of files) {
      // One file at a time: a bad file is reported and skipped, the good ones still land.
      const outcome = await importFiles([{ name: file, content: readFileSync(file) }], COMMAND_LINE);
      if (!outcome.ok) {
        for (const e of outcome.errors) console.error(`error  ${e.file}: ${e.reason}`);
        failed++;
        continue;
      }
      for (const j of outcome.jobs) {
        const verdict = j.verdict == null ? "-" : j.verdict ? "yes" : "no";
        const note =
          j.copy === "redacted-copy"
            ? "  (already imported (redacted copy))"
            : j.copy === "filled-in"
              ? "  (already imported redacted: filled in what was redacted)"
              : j.created
                ? ""
                : "  (already imported)";
        console.log(`${j.id}  ${j.workflow}  ${j.spanCount} spans  verdict ${verdict}${note}  ${file}`);
      }
    }
  }
});
process.exit(failed ? 1 : 0);
