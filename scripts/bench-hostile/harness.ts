// What the hostile requests of `npm run bench:hostile` share: the kind of request measured, an agent with a key that
// speaks the agent protocol and OTLP through the real handlers in this process, and runs written straight into the
// tables. Loaded by scripts/bench-hostile.ts once DATABASE_URL names the bench's throwaway PostgreSQL.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { db } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { addClient } from "@/lib/agents/keys";
import { encodeCall } from "@/lib/agents/client";
import { handleAgentRequest } from "@/lib/agents/dispatch";
import { HttpError } from "@/lib/http/errors";
import { handleOtlpRequest } from "@/lib/otlp/handler";

/** One kind of hostile request. */
export interface Kind {
  name: string;
  /** one request; its answer in a few words */
  run: () => Promise<string>;
  /** set up before each request, outside the measurement */
  prepare?: () => Promise<void>;
}

/** The time every bench span starts at (RFC 3339). */
export const T = "2026-07-01T10:00:00Z";

/** A JSON array of `n` zeros: the cheapest text that makes `n` values. */
export const zeros = (n: number) => `[${"0,".repeat(n - 1)}0]`;

/** An agent client of the bench's own, with its key. */
export interface BenchAgent {
  client: string;
  key: string;
  /** One agent-protocol request as POST /api handles it: its status (an HttpError's, as route() answers it). */
  call(method: string, payload: Buffer | string): Promise<string>;
  /** A job polled by a new workflow of this agent: running, owned by it; its id. */
  runningJob(): Promise<string>;
  /** POST /v1/traces (gzip body) as the machine route hands it over: its status and, for a refusal, its reason's start. */
  otlp(body: Buffer | Uint8Array, contentType: string): Promise<string>;
}

/** Registers a new agent client (key stored hashed, as agent:add does) and returns its calls. */
export async function benchAgent(): Promise<BenchAgent> {
  const client = `bench-${randomUUID().slice(0, 8)}`;
  const key = await addClient(db(), client);
  const post = (body: Buffer, contentType: string) =>
    handleAgentRequest(
      new Request("http://bench/api", { method: "POST", body: new Uint8Array(body), headers: { "content-type": contentType } }),
    );
  return {
    client,
    key,
    async call(method, payload) {
      const raw = typeof payload === "string" ? gzipSync(payload) : payload;
      const { body, contentType } = encodeCall({ client, key, method, rawPayload: raw });
      try {
        const res = await post(body, contentType);
        await res.text();
        return String(res.status);
      } catch (e) {
        if (e instanceof HttpError) return String(e.status);
        throw e;
      }
    },
    async runningJob() {
      const workflow = `bench-${randomUUID().slice(0, 8)}`;
      await pool().query(`INSERT INTO jobs (id, workflow, workflow_type, description, link, source) VALUES ($1, $2, $2, '', '', 'agent')`, [
        randomUUID(),
        workflow,
      ]);
      const { body, contentType } = encodeCall({
        client,
        key,
        method: "ai_job_poll",
        payload: { AgentName: workflow, CodeRevision: "r", Workflows: [{ Type: workflow, Name: workflow }] },
      });
      return (JSON.parse(await (await post(body, contentType)).text()) as { ID: string }).ID;
    },
    async otlp(body, contentType) {
      const res = await handleOtlpRequest(
        new Request("http://bench/v1/traces", {
          method: "POST",
          body: new Uint8Array(body),
          headers: { "content-type": contentType, "content-encoding": "gzip", authorization: `Bearer ${client}:${key}` },
        }),
      );
      const text = res.headers.get("content-type")?.includes("json") ? (await res.text()).slice(0, 60) : "";
      return `${res.status} ${text}`.trim();
    },
  };
}

/** A finished job row and its spans written straight into the tables: stored data any older version could hold. */
export async function storedRun(spans: { args: string | null; results: string | null; type?: string; model?: string }[]): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source) VALUES ($1, 'bench', 'bench', '', '', 'finished', 'agent')`,
    [id],
  );
  for (const [seq, s] of spans.entries()) {
    await pool().query(
      `INSERT INTO spans (job_id, seq, nesting, type, name, model, started_at, args, results) VALUES ($1, $2, 1, $3, 'step', $4, $5, $6::json, $7::json)`,
      [id, seq, s.type ?? "tool", s.model ?? null, T, s.args, s.results],
    );
  }
  return id;
}
