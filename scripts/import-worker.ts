// The child process of a large import (lib/import/offload.ts starts it): `import-worker.ts <folder>` imports the
// uploaded files the app wrote to <folder> as its manifest.json says, writes result.json there and exits.
import { runImportWorker } from "@/lib/import/offload";

const folder = process.argv[2];
if (!folder || process.argv.length !== 3) {
  console.error("usage: import-worker.ts <folder> (started by the app for a large import, not by hand)");
  process.exit(2);
}
await runImportWorker(folder);
