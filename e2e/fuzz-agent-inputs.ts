// Generators of malformed POST /api requests (sent by the clients in ./fuzz-http).
import { randomUUID } from "node:crypto";
import { brotliCompressSync, deflateSync, gunzipSync, gzipSync } from "node:zlib";
import { AGENT_MAX_NAME_CHARS } from "../lib/limits";
import type { RawRequest } from "./fuzz-http";
import {
  BAD_UTF8,
  big,
  type Part,
  caseRng,
  type Field,
  FIELD_MUTATIONS,
  type FieldMutation,
  multipart,
  mutateField,
  type Rng,
  serialize,
  SPAN_FIELDS,
  validSpan,
} from "./fuzz-mutations";

export interface AgentContext {
  client: string;
  key: string;
  agentName: string;
  /** a running job assigned to agentName: payloads aimed at it reach the deepest checks */
  jobId: string;
  /** a running job another client polled: this client's spans and done for it are refused */
  foreignJobId: string;
}

function agentRequest(
  category: string,
  what: string,
  ctx: AgentContext,
  method: string,
  payload: Buffer | null,
  over: { client?: string | Buffer; key?: string } = {},
): RawRequest {
  const parts: Part[] = [
    { name: "client", data: over.client ?? ctx.client },
    { name: "key", data: over.key ?? ctx.key },
    { name: "method", data: method },
  ];
  if (payload) parts.push({ name: "payload", data: payload, filename: "payload", contentType: "application/octet-stream" });
  const m = multipart(parts);
  return { category, what: `${method}: ${what}`, headers: { "content-type": m.contentType }, body: m.body };
}

const METHODS = ["ai_job_poll", "ai_trajectory_log", "ai_job_done"] as const;

function validPayload(ctx: AgentContext, method: (typeof METHODS)[number], rng: Rng): Record<string, unknown> {
  if (method === "ai_job_poll")
    return { AgentName: ctx.agentName, CodeRevision: "rev", Workflows: [{ Type: "fuzz", Name: `fuzz-nothing-${rng.int(1000)}` }] };
  if (method === "ai_trajectory_log") return { AgentName: ctx.agentName, JobID: ctx.jobId, Span: validSpan(1 + rng.int(50)) };
  return { ID: ctx.jobId, Error: "", Results: { WorthFuzzing: false, Reasoning: "r" } };
}

function protocolFields(method: (typeof METHODS)[number]): Field[] {
  if (method === "ai_job_poll") {
    return [
      { path: ["AgentName"], kind: "required-string", max: AGENT_MAX_NAME_CHARS },
      { path: ["CodeRevision"], kind: "string", max: AGENT_MAX_NAME_CHARS },
      { path: ["Workflows", "0", "Name"], kind: "required-string", max: AGENT_MAX_NAME_CHARS },
      { path: ["Workflows", "0", "Type"], kind: "string", max: AGENT_MAX_NAME_CHARS },
    ];
  }
  if (method === "ai_job_done")
    return [
      { path: ["ID"], kind: "uuid" },
      { path: ["Error"], kind: "string" },
      { path: ["Results"], kind: "json" },
    ];
  return [
    // Upstream lets a span's AgentName be empty (syz-agent sends its client name there): only its length is checked.
    { path: ["AgentName"], kind: "string", max: AGENT_MAX_NAME_CHARS },
    { path: ["JobID"], kind: "uuid" },
    ...SPAN_FIELDS.map((f) => ({ ...f, path: ["Span", ...f.path] })),
  ];
}

const AGENT_CATEGORIES = [
  "truncated-gzip",
  "not-gzip",
  "corrupt-gzip",
  "gzip-not-json",
  "invalid-utf8",
  "json-not-object",
  ...FIELD_MUTATIONS,
  "wrong-multipart",
  "wrong-key",
  "unknown-method",
  "wrong-job",
  "oversized-request",
] as const;

function inflates(body: Buffer): boolean {
  try {
    gunzipSync(body);
    return true;
  } catch {
    return false;
  }
}

/** A small gzip that inflates past the payload limit (AGENT_MAX_PAYLOAD_BYTES). */
function gzipBomb(): Buffer {
  return big("bomb", () => gzipSync(Buffer.alloc(65 * 1024 * 1024, 0x20), { level: 9 }));
}

/** Case i of a run: a malformed POST /api request. */
export function agentCase(ctx: AgentContext, seed: number, i: number): RawRequest {
  const rng = caseRng(seed, i);
  // Big inputs are costly to send; one case in 200 is one of them.
  const category = i % 200 === 199 ? "oversized-request" : rng.pick(AGENT_CATEGORIES.filter((c) => c !== "oversized-request"));
  const method = rng.pick(METHODS);
  const payload = () => validPayload(ctx, method, rng);
  const gz = (s: string | Buffer) => gzipSync(s);
  switch (category) {
    case "truncated-gzip": {
      const full = gz(JSON.stringify(payload()));
      const n = rng.int(full.length);
      return agentRequest(category, `gzip cut to ${n} of ${full.length} bytes`, ctx, method, full.subarray(0, n));
    }
    case "not-gzip": {
      const json = Buffer.from(JSON.stringify(payload()));
      const k = rng.int(5);
      const body = [json, deflateSync(json), brotliCompressSync(json), rng.bytes(1 + rng.int(200)), Buffer.from([0x1f])][k]!;
      return agentRequest(category, ["plain JSON", "zlib deflate", "brotli", "random bytes", "one magic byte"][k]!, ctx, method, body);
    }
    case "corrupt-gzip": {
      const original = Buffer.from(gz(JSON.stringify(payload())));
      // Header bytes 4-9 (time, flags, OS) are not checked by gunzip, and now and then a flip elsewhere still
      // inflates (seen: the trailer's last byte); such a body is not malformed, so flip again until gunzip refuses it.
      for (;;) {
        const full = Buffer.from(original);
        const at = 10 + rng.int(full.length - 10);
        full[at] = full[at]! ^ (1 + rng.int(255));
        if (!inflates(full)) return agentRequest(category, `byte ${at} flipped`, ctx, method, full);
      }
    }
    case "gzip-not-json": {
      const k = rng.int(5);
      const text = ["", "{", "not json", JSON.stringify(payload()).slice(0, -1), '{"AgentName": "a",}'][k]!;
      return agentRequest(category, `gzip of ${JSON.stringify(text.slice(0, 40))}`, ctx, method, gz(text));
    }
    case "invalid-utf8": {
      const json = JSON.stringify(payload());
      const at = json.indexOf('":"') + 3; // inside the first string value
      const bad = rng.pick(BAD_UTF8);
      const bytes = Buffer.concat([Buffer.from(json.slice(0, at)), bad, Buffer.from(json.slice(at))]);
      if (rng.next() < 0.3) {
        // In the multipart text fields instead: the client name as raw bytes.
        return agentRequest(category, `client name with bytes ${bad.toString("hex")}`, ctx, method, gz(JSON.stringify(payload())), {
          client: Buffer.concat([Buffer.from(ctx.client), bad]),
        });
      }
      return agentRequest(category, `bytes ${bad.toString("hex")} in a string`, ctx, method, gz(bytes));
    }
    case "json-not-object": {
      const v = rng.pick([null, 1, "s", [], [payload()], true]);
      return agentRequest(category, `payload ${JSON.stringify(v).slice(0, 60)}`, ctx, method, gz(JSON.stringify(v)));
    }
    case "wrong-key": {
      const k = rng.int(6);
      const over = [
        { key: ctx.key.slice(0, -1) + (ctx.key.endsWith("A") ? "B" : "A") },
        { key: "" },
        { client: `nobody-${rng.int(1e6)}` },
        { client: "" },
        { client: `bad name/${rng.text(5)}`, key: ctx.key },
        { client: "x".repeat(101) },
      ][k]!;
      return agentRequest(
        category,
        ["wrong key", "empty key", "unknown client", "empty client", "client with bad characters", "client name too long"][k]!,
        ctx,
        method,
        gz(JSON.stringify(payload())),
        over,
      );
    }
    case "unknown-method": {
      const m = rng.pick([
        "",
        " ",
        "AI_JOB_POLL",
        "ai_job_poll ",
        "ai_job",
        "__proto__",
        "constructor",
        "toString",
        rng.text(1 + rng.int(30)),
        "ai_job_done\u0000",
        "x".repeat(1001),
      ]);
      return agentRequest(category, `method ${JSON.stringify(m.slice(0, 40))}`, ctx, m, gz(JSON.stringify(payload())));
    }
    case "wrong-job": {
      const k = rng.int(3);
      if (k === 0)
        return agentRequest(
          category,
          "span for a job that does not exist",
          ctx,
          "ai_trajectory_log",
          gz(JSON.stringify({ AgentName: ctx.agentName, JobID: randomUUID(), Span: validSpan() })),
        );
      if (k === 1) {
        // Identity is the key that polled the job, whatever AgentName a call carries.
        if (rng.int(2) === 0)
          return agentRequest(
            category,
            "span for a job another client polled",
            ctx,
            "ai_trajectory_log",
            gz(JSON.stringify({ AgentName: ctx.agentName, JobID: ctx.foreignJobId, Span: validSpan() })),
          );
        return agentRequest(
          category,
          "done for a job another client polled",
          ctx,
          "ai_job_done",
          gz(JSON.stringify({ ID: ctx.foreignJobId, Results: {} })),
        );
      }
      return agentRequest(
        category,
        "done for a job that does not exist",
        ctx,
        "ai_job_done",
        gz(JSON.stringify({ ID: randomUUID(), Results: {} })),
      );
    }
    case "wrong-multipart":
      return wrongMultipart(rng, ctx, method, gz(JSON.stringify(payload())));
    case "oversized-request": {
      const k = rng.int(3);
      if (k === 0)
        return agentRequest(
          category,
          "a 17 MB payload",
          ctx,
          method,
          big("17mb", () => Buffer.alloc(17 * 1024 * 1024, 0x41)),
        );
      if (k === 1) return agentRequest(category, "gzip inflating past the payload limit", ctx, method, gzipBomb());
      // Each text field within its limit, the span over the 8 MB per-span limit.
      const span = {
        ...validSpan(7),
        Prompt: "p".repeat(4 * 1024 * 1024),
        Reply: "r".repeat(4 * 1024 * 1024),
        Thoughts: "t".repeat(512 * 1024),
      };
      return agentRequest(
        category,
        "a 8.5 MB span",
        ctx,
        "ai_trajectory_log",
        big(`span-${ctx.jobId}`, () => gz(JSON.stringify({ AgentName: ctx.agentName, JobID: ctx.jobId, Span: span }))),
      );
    }
    default: {
      // Field mutations: ai_job_done and ai_job_poll have few fields, so number, date and depth cases go to a span.
      const m = category as FieldMutation;
      let target: (typeof METHODS)[number] =
        m === "deep-nesting" || m.includes("number") || m === "bad-date" ? "ai_trajectory_log" : method;
      let p = validPayload(ctx, target, rng);
      let r = mutateField(rng, p, protocolFields(target), m);
      if (!r) {
        target = "ai_trajectory_log";
        p = validPayload(ctx, target, rng);
        r = mutateField(rng, p, protocolFields(target), m)!;
      }
      const text = serialize(p, r);
      return { ...agentRequest(category, r.what, ctx, target, gz(text)), source: text };
    }
  }
}

function wrongMultipart(rng: Rng, ctx: AgentContext, method: string, payload: Buffer): RawRequest {
  const category = "wrong-multipart";
  const good = [
    { name: "client", data: ctx.client },
    { name: "key", data: ctx.key },
    { name: "method", data: method },
    { name: "payload", data: payload, filename: "payload" },
  ];
  const k = rng.int(12);
  const m = multipart(good);
  const req = (what: string, headers: Record<string, string>, body: Buffer): RawRequest => ({ category, what, headers, body });
  switch (k) {
    case 0:
      return req("no boundary in Content-Type", { "content-type": "multipart/form-data" }, m.body);
    case 1:
      return req("boundary in header differs from body", { "content-type": "multipart/form-data; boundary=other-boundary" }, m.body);
    case 2:
      return req(
        "no closing boundary, cut mid-part",
        { "content-type": m.contentType },
        m.body.subarray(0, rng.int(m.body.length - m.boundary.length - 8)),
      );
    case 3: {
      const drop = rng.pick(["client", "key", "method", "payload"]);
      const mm = multipart(good.filter((p) => p.name !== drop));
      return req(`missing part ${drop}`, { "content-type": mm.contentType }, mm.body);
    }
    case 4: {
      const dup = rng.pick(good);
      const mm = multipart([...good, { ...dup, data: dup.name === "payload" ? gzipSync("{}") : `${String(dup.data)}-2` }]);
      return req(`duplicate part ${dup.name}`, { "content-type": mm.contentType }, mm.body);
    }
    case 5:
      return req("Content-Type text/plain", { "content-type": "text/plain" }, m.body);
    case 6:
      return req(
        "Content-Type application/json",
        { "content-type": "application/json" },
        Buffer.from(JSON.stringify({ client: ctx.client, key: ctx.key, method })),
      );
    case 7:
      return req(
        "urlencoded form",
        { "content-type": "application/x-www-form-urlencoded" },
        Buffer.from(new URLSearchParams({ client: ctx.client, key: ctx.key, method }).toString()),
      );
    case 8:
      return req("empty multipart body", { "content-type": m.contentType }, Buffer.alloc(0));
    case 9:
      return req("random bytes as multipart", { "content-type": m.contentType }, rng.bytes(1 + rng.int(500)));
    case 10:
      return req(
        "part without the blank line after its headers",
        { "content-type": m.contentType },
        Buffer.from(m.body.toString("latin1").replace("\r\n\r\n", "\r\n"), "latin1"),
      );
    default: {
      // A plain field is how Go sends the payload (and is read as bytes); plain JSON without gzip is not the protocol.
      const text = Buffer.from(JSON.stringify({ ID: ctx.jobId, Error: "", Results: {} }));
      const mm = multipart(good.map((p) => (p.name === "payload" ? { name: "payload", data: text } : p)));
      return req("payload as a plain field, JSON not gzip", { "content-type": mm.contentType }, mm.body);
    }
  }
}
