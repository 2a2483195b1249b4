// Zod 4 compiles object schemas with `new Function` when it may, and probes for that by calling it: under the pages'
// Content-Security-Policy (no 'unsafe-eval', proxy.ts) the probe alone is a CSP violation in the browser. Imported
// first by every schema module the browser loads, so no schema is built or parsed before zod is told not to.
import { config } from "zod";

config({ jitless: true });
