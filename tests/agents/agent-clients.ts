// Agent clients for the protocol tests: a new client with its key, under a name no other test uses.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { addClient } from "@/lib/agents/keys";

/** An agent client's name and key, as the protocol's Basic auth takes them. */
export interface Creds {
  client: string;
  key: string;
}

/** Adds the agent client `<prefix>-<8 random hex>` and returns its name and key. */
export async function newClient(prefix: string): Promise<Creds> {
  const client = `${prefix}-${randomUUID().slice(0, 8)}`;
  return { client, key: await addClient(db(), client) };
}
