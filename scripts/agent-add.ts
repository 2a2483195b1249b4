// `npm run agent:add -- <name>`: creates (or re-keys) an agent client and prints its key once.
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { db, disconnectDb } from "@/lib/db/client";
import { addClient } from "@/lib/agent-api/clients";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run agent:add -- <client name>");
  process.exit(2);
}
const database = await resolveDatabase();
let code = 0;
try {
  await applyMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  const key = await addClient(db(), name);
  // Only the key on stdout, so scripts can capture it; the advice goes to stderr.
  console.error(`Client "${name}" created. Its key (shown once; store it with the agent):`);
  console.log(key);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  code = 1;
} finally {
  await disconnectDb();
  await database.stop();
}
process.exit(code);
