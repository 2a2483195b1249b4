// The app's own front door (lib/server/front-door.ts, the machine routes' table) on a loopback HTTP server, so real
// exporters send real HTTP to POST /v1/traces exactly as they do to `npm start`; and the setup the receiver's test files
// share (receiverFixture): agent clients with keys, the receiver started before their tests and closed after them.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { addClient } from "@/lib/agents/keys";
import { frontDoor } from "@/lib/server/front-door";
import { MACHINE_ROUTES } from "@/lib/server/machine-routes";

export interface Receiver {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const state = { requests: 0 };
  const door = frontDoor(MACHINE_ROUTES, null);
  const server = http.createServer((req, res) => {
    state.requests++;
    if (door(req, res)) return;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get requests() {
      return state.requests;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An agent client registered in the test database, with its key and the Authorization headers it may send. */
export interface AgentCredentials {
  client: string;
  key: string;
  /** `Basic base64(client:key)`, as OTEL_EXPORTER_OTLP_HEADERS carry it */
  basic: string;
  /** `Bearer client:key` */
  bearer: string;
}

/** Registers an agent client named `<prefix>-<8 random hex digits>` (lib/agents/keys.ts, as agent:add does). */
export async function agentCredentials(prefix: string): Promise<AgentCredentials> {
  const client = `${prefix}-${randomUUID().slice(0, 8)}`;
  const key = await addClient(db(), client);
  return { client, key, basic: `Basic ${Buffer.from(`${client}:${key}`).toString("base64")}`, bearer: `Bearer ${client}:${key}` };
}

/** What POST /v1/traces answered: status, Content-Type, Retry-After and the body's bytes. */
export interface TracesAnswer {
  status: number;
  type: string | null;
  retry: string | null;
  text: Buffer;
}

/** The receiver and clients of a test file; filled in before its first test. */
export interface ReceiverFixture {
  receiver: Receiver;
  /** one per prefix given to receiverFixture, in that order */
  clients: AgentCredentials[];
  /** POST /v1/traces with `body` (sent as is: compress it yourself) and `headers`. */
  post(body: BodyInit, headers: Record<string, string>): Promise<TracesAnswer>;
}

/**
 * For a test file (call at its top level): before its tests, registers one agent client per prefix and starts a
 * receiver; after them, closes the receiver and the database clients.
 */
export function receiverFixture(...prefixes: string[]): ReceiverFixture {
  const fixture: ReceiverFixture = {
    receiver: null as unknown as Receiver,
    clients: [],
    async post(body, headers) {
      const res = await fetch(`${fixture.receiver.url}/v1/traces`, { method: "POST", body, headers });
      return {
        status: res.status,
        type: res.headers.get("content-type"),
        retry: res.headers.get("retry-after"),
        text: Buffer.from(await res.arrayBuffer()),
      };
    },
  };
  beforeAll(async () => {
    for (const p of prefixes) fixture.clients.push(await agentCredentials(p));
    fixture.receiver = await startReceiver();
  });
  afterAll(async () => {
    await fixture.receiver?.close();
    await disconnectDb();
  });
  return fixture;
}

/** `bytes` random bytes as hex: a trace id (16) or a span id (8). */
export const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** A start time for test spans, ns since the epoch (2026-11-30). */
export const T0 = 1_796_000_000_000_000_000n;
