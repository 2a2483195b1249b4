// `npm run docs:config`: rewrites the README's configuration tables from lib/config.ts.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { withConfigTables } from "@/lib/config-docs";

const readme = path.resolve(import.meta.dirname, "..", "README.md");
const before = readFileSync(readme, "utf8");
const after = withConfigTables(before);
if (after !== before) writeFileSync(readme, after);
console.log(after === before ? "README.md: configuration tables already up to date" : "README.md: configuration tables rewritten");
