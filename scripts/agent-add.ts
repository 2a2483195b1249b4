// `npm run agent:add -- <name>`: creates (or re-keys) an agent client and prints its key once.
import { withDatabase } from "@/lib/db/with-database";
import { addAgentKey } from "@/lib/agents/keys-admin";
import { COMMAND_LINE } from "@/lib/audit/log";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run agent:add -- <client name>");
  process.exit(2);
}
let code = 0;
try {
  const key = await withDatabase((db) => addAgentKey(db, name, COMMAND_LINE));
  // Only the key on stdout, so scripts can capture it; the advice goes to stderr.
  console.error(`Client "${name}" created. Its key (shown once; store it with the agent):`);
  console.log(key);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  code = 1;
}
process.exit(code);
