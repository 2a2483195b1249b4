// The two ways a load run talks to the app: agent-protocol calls (the one protocol client, lib/agents/client.ts: the
// bytes upstream's Go client sends) and page GETs, each timed, on fresh connections as the built-in agent does.
import type http from "node:http";
import { encodeCall, postCall, request, type Reply } from "@/lib/agents/client";

/** An answer (HTTP status) or a network error's code, and the time it took. */
export type Timed = Reply;

export interface Credentials {
  client: string;
  key: string;
}

/**
 * Encodes a call once; the returned function sends it (again: retries send byte-identical bodies) and times it, on a
 * fresh connection or on `connections` (a keep-alive pool, as Go's http.DefaultClient).
 */
export function protocolCall(
  baseURL: string,
  creds: Credentials,
  method: string,
  payload: unknown,
  connections: http.Agent | false = false,
): () => Promise<Timed> {
  const encoded = encodeCall({ ...creds, method, payload });
  return () => postCall(baseURL, encoded, undefined, connections);
}

/** GET of a page or JSON route; the body is read to the end, as a browser would. */
export function get(url: string): Promise<Timed> {
  return request(url, "GET", { accept: "text/html,application/json" });
}
