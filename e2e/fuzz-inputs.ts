// Generators of malformed requests for POST /api and POST /api/import (sent by the clients in ./fuzz-http).
import { randomUUID } from "node:crypto";
import { brotliCompressSync, deflateSync, gunzipSync, gzipSync } from "node:zlib";
import type { RawRequest } from "./fuzz-http";

// ---- seeded randomness

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    bool: () => next() < 0.5,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
    text: (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join(""),
  };
}
export type Rng = ReturnType<typeof prng>;

/** The case's own generator: case i of seed s is the same input however many cases ran before it. */
export function caseRng(seed: number, i: number): Rng {
  return prng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35));
}

// ---- shared pieces

const T0 = "2026-07-01T10:00:00Z";
const T1 = "2026-07-01T10:00:05Z";

export function validSpan(seq = 1): Record<string, unknown> {
  return {
    Seq: seq, Nesting: 1, Type: "llm", Name: "evaluator", Model: "m-1", Started: T0, Finished: T1, Error: "e",
    Args: { Expression: "x", List: [1, "two", { three: 3 }] }, Results: { Out: "y" },
    Instruction: "i", Prompt: "p", Reply: "r", Thoughts: "t", InputTokens: 10, OutputTokens: 2, OutputThoughtsTokens: 3,
  };
}

function deepText(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

const RAW = "__fuzz_raw_literal__";
/** JSON text with a literal no JSON value can carry (1e400, 20-digit integers) put where RAW stands. */
function jsonWithRaw(v: unknown, literal: string): string {
  return JSON.stringify(v).replace(`"${RAW}"`, literal);
}

function insertAt(s: string, at: number, what: string): string {
  return s.slice(0, at) + what + s.slice(at);
}

const BAD_DATES = [
  "1", "March 7, 2020", "", " ", "0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "+010000-01-01T00:00:00Z", "-000001-01-01T00:00:00Z",
  "9999-12-31T23:59:59-23:59", "2026-02-30T00:00:00Z", "2026-04-31T10:00:00Z", "2026-05-01T24:00:00Z", "2026-05-01T10:00:00+24:00",
  "2026-05-01", "2026-05-01T10:00:00", "2026-13-01T00:00:00Z", "2026-05-01T10:61:00Z", "x".repeat(65), "NaN", "Infinity",
];
const HUGE_INTS = [2 ** 31, 2 ** 31 - 1 + 2 ** 20, 1e20, Number.MAX_SAFE_INTEGER, 1e308, 100_000_001, 4_294_967_296];
const NEGATIVE = [-1, -(2 ** 31), -1e20, -0.5, -Number.MAX_SAFE_INTEGER];
const RAW_NUMBERS = ["1e400", "-1e400", "123456789012345678901234567890", "1.0e10000", "-1.5e10000"];
const BAD_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xe2, 0x82])];
const SURROGATES = ["\ud800", "\udfff", "\udbff", "a\udc00b"];

type FieldKind = "string" | "required-string" | "int" | "required-int" | "timestamp" | "required-timestamp" | "uuid" | "text" | "json";

interface Field {
  path: string[];
  kind: FieldKind;
  /** largest length for strings */
  max?: number;
}

const SPAN_FIELDS: Field[] = [
  { path: ["Seq"], kind: "required-int" },
  { path: ["Nesting"], kind: "required-int" },
  { path: ["Type"], kind: "required-string", max: 200 },
  { path: ["Name"], kind: "required-string", max: 1000 },
  { path: ["Model"], kind: "string", max: 1000 },
  { path: ["Started"], kind: "required-timestamp" },
  { path: ["Finished"], kind: "timestamp" },
  { path: ["Error"], kind: "text" },
  { path: ["Instruction"], kind: "text" },
  { path: ["Prompt"], kind: "text" },
  { path: ["Reply"], kind: "text" },
  { path: ["Thoughts"], kind: "text" },
  { path: ["InputTokens"], kind: "int" },
  { path: ["OutputTokens"], kind: "int" },
  { path: ["OutputThoughtsTokens"], kind: "int" },
  { path: ["Args"], kind: "json" },
  { path: ["Results"], kind: "json" },
];

function setPath(obj: Record<string, unknown>, path: string[], v: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path[path.length - 1]!] = v;
}

function deletePath(obj: Record<string, unknown>, path: string[]): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  delete o[path[path.length - 1]!];
}

function getPath(obj: Record<string, unknown>, path: string[]): unknown {
  let o: unknown = obj;
  for (const k of path) o = (o as Record<string, unknown>)[k];
  return o;
}

/** A value that is the wrong type for the field (never null: importers read null as "absent"). */
function wrongType(rng: Rng, kind: FieldKind): unknown {
  if (kind.endsWith("int")) return rng.pick(["1", true, false, {}, [], [1], 1.5, "NaN", { $numberInt: "1" }]);
  if (kind === "uuid") return rng.pick([5, true, {}, [], ["0"], 1.5]);
  return rng.pick([123, true, false, {}, [], ["a"], 1.5, { s: "x" }]);
}

/** The categories of field mutations; each makes the payload invalid on its own. */
const FIELD_MUTATIONS = ["wrong-type", "missing", "huge-number", "negative-number", "raw-number", "bad-date", "colliding-keys", "deep-nesting", "oversized-field"] as const;
type FieldMutation = (typeof FIELD_MUTATIONS)[number];

const deepCache = new Map<number, string>();
/**
 * Text of `depth` nested arrays and objects, written without recursion (JSON.stringify would
 * overflow). The same for every case of one depth: building 100,000 levels per case would slow the run.
 */
function deepLiteral(depth: number): string {
  let text = deepCache.get(depth);
  if (text === undefined) {
    const open: string[] = [];
    const close: string[] = [];
    for (let i = 0; i < depth; i++) {
      open.push(i % 3 === 0 ? '{"k":' : "[");
      close.push(i % 3 === 0 ? "}" : "]");
    }
    text = open.join("") + '"x"' + close.reverse().join("");
    deepCache.set(depth, text);
  }
  return text;
}

/** Big inputs are the same every time they are drawn; made once each. */
const bigCache = new Map<string, Buffer>();
function big(key: string, make: () => Buffer): Buffer {
  let b = bigCache.get(key);
  if (!b) bigCache.set(key, (b = make()));
  return b;
}

interface Mutation {
  what: string;
  /** JSON text that replaces the RAW marker (numbers JSON.parse turns into Infinity, values too deep to stringify) */
  literal?: string;
}

/** The value as JSON text, with the marker replaced by the literal. */
export function serialize(root: unknown, m: Mutation): string {
  const text = JSON.stringify(root);
  return m.literal === undefined ? text : text.replace(`"${RAW}"`, m.literal);
}

/**
 * Mutates one field of `root` (in place) so that the value is invalid on its own; null when no field
 * fits the mutation.
 */
function mutateField(rng: Rng, root: Record<string, unknown>, fields: Field[], m: FieldMutation): Mutation | null {
  const fitting = fields.filter((f) => {
    switch (m) {
      case "wrong-type":
        return f.kind !== "json";
      case "missing":
        return f.kind.startsWith("required") || f.kind === "uuid";
      case "huge-number":
      case "negative-number":
      case "raw-number":
        return f.kind.endsWith("int");
      case "bad-date":
        return f.kind.endsWith("timestamp");
      case "colliding-keys":
      case "deep-nesting":
        return f.kind === "json";
      case "oversized-field":
        return f.max !== undefined;
    }
  });
  if (!fitting.length) return null;
  const f = rng.pick(fitting);
  const path = f.path;
  const name = path.join(".");
  const set = (v: unknown) => setPath(root, path, v);
  switch (m) {
    case "wrong-type": {
      const v = wrongType(rng, f.kind);
      set(v);
      return { what: `${name} = ${JSON.stringify(v)}` };
    }
    case "missing":
      deletePath(root, path);
      return { what: `no ${name}` };
    case "huge-number": {
      const v = rng.pick(HUGE_INTS);
      set(v);
      return { what: `${name} = ${v}` };
    }
    case "negative-number": {
      const v = rng.pick(NEGATIVE);
      set(v);
      return { what: `${name} = ${v}` };
    }
    case "raw-number": {
      const lit = rng.pick(RAW_NUMBERS);
      set(RAW);
      return { what: `${name} = ${lit}`, literal: lit };
    }
    case "bad-date": {
      const v = rng.pick(BAD_DATES);
      set(v);
      return { what: `${name} = ${JSON.stringify(v)}` };
    }
    case "colliding-keys": {
      // NUL characters and lone surrogates are stored as U+FFFD (valid input); two keys that become one are not.
      const bad = rng.pick(["\u0000", ...SURROGATES.filter((x) => x.length === 1)]);
      set({ list: ["fine", { [`k${bad}`]: 1, ["k\ufffd"]: 2 }] });
      return { what: `keys k${bad === "\u0000" ? "\\u0000" : "<lone surrogate>"} and k\\ufffd inside ${name}` };
    }
    case "deep-nesting": {
      const depth = rng.pick([101, 150, 1000, 10_000, 100_000]);
      set(RAW);
      return { what: `${name} nested ${depth} deep`, literal: deepLiteral(depth) };
    }
    case "oversized-field": {
      const n = f.max! + 1 + rng.int(100);
      set("z".repeat(n));
      return { what: `${name} of ${n} characters` };
    }
  }
}

// ---- POST /api

export interface AgentContext {
  client: string;
  key: string;
  agentName: string;
  /** a running job assigned to agentName: payloads aimed at it reach the deepest checks */
  jobId: string;
}

interface Part {
  name: string;
  data: Buffer | string;
  filename?: string;
  contentType?: string;
}

export function multipart(parts: Part[], boundary = `----fuzz${randomUUID().replace(/-/g, "")}`): { body: Buffer; contentType: string; boundary: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ""}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ""}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}

function agentRequest(category: string, what: string, ctx: AgentContext, method: string, payload: Buffer | null, over: { client?: string | Buffer; key?: string } = {}): RawRequest {
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
  if (method === "ai_job_poll") return { AgentName: ctx.agentName, CodeRevision: "rev", Workflows: [{ Type: "fuzz", Name: `fuzz-nothing-${rng.int(1000)}` }] };
  if (method === "ai_trajectory_log") return { AgentName: ctx.agentName, JobID: ctx.jobId, Span: validSpan(1 + rng.int(50)) };
  return { ID: ctx.jobId, Error: "", Results: { WorthFuzzing: false, Reasoning: "r" } };
}

function protocolFields(method: (typeof METHODS)[number]): Field[] {
  if (method === "ai_job_poll") {
    return [
      { path: ["AgentName"], kind: "required-string", max: 200 },
      { path: ["CodeRevision"], kind: "string", max: 200 },
      { path: ["Workflows", "0", "Name"], kind: "required-string", max: 200 },
      { path: ["Workflows", "0", "Type"], kind: "string", max: 200 },
    ];
  }
  if (method === "ai_job_done") return [{ path: ["ID"], kind: "uuid" }, { path: ["Error"], kind: "string", max: 1_000_000 }, { path: ["Results"], kind: "json" }];
  return [
    { path: ["AgentName"], kind: "required-string", max: 200 },
    { path: ["JobID"], kind: "uuid" },
    ...SPAN_FIELDS.map((f) => ({ ...f, path: ["Span", ...f.path] })),
  ];
}

const AGENT_CATEGORIES = [
  "truncated-gzip", "not-gzip", "corrupt-gzip", "gzip-not-json", "invalid-utf8", "json-not-object",
  ...FIELD_MUTATIONS, "wrong-multipart", "wrong-key", "unknown-method", "wrong-job", "oversized-request",
] as const;

function inflates(body: Buffer): boolean {
  try {
    gunzipSync(body);
    return true;
  } catch {
    return false;
  }
}

/** A small gzip that inflates past the 64 MB payload limit. */
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
      const text = ["", "{", "not json", JSON.stringify(payload()).slice(0, -1), "{\"AgentName\": \"a\",}"][k]!;
      return agentRequest(category, `gzip of ${JSON.stringify(text.slice(0, 40))}`, ctx, method, gz(text));
    }
    case "invalid-utf8": {
      const json = JSON.stringify(payload());
      const at = json.indexOf('":"') + 3; // inside the first string value
      const bad = rng.pick(BAD_UTF8);
      const bytes = Buffer.concat([Buffer.from(json.slice(0, at)), bad, Buffer.from(json.slice(at))]);
      if (rng.next() < 0.3) {
        // In the multipart text fields instead: the client name as raw bytes.
        return agentRequest(category, `client name with bytes ${bad.toString("hex")}`, ctx, method, gz(JSON.stringify(payload())), { client: Buffer.concat([Buffer.from(ctx.client), bad]) });
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
      return agentRequest(category, ["wrong key", "empty key", "unknown client", "empty client", "client with bad characters", "client name too long"][k]!, ctx, method, gz(JSON.stringify(payload())), over);
    }
    case "unknown-method": {
      const m = rng.pick(["", " ", "AI_JOB_POLL", "ai_job_poll ", "ai_job", "__proto__", "constructor", "toString", rng.text(1 + rng.int(30)), "ai_job_done\u0000", "x".repeat(1001)]);
      return agentRequest(category, `method ${JSON.stringify(m.slice(0, 40))}`, ctx, m, gz(JSON.stringify(payload())));
    }
    case "wrong-job": {
      const k = rng.int(3);
      if (k === 0) return agentRequest(category, "span for a job that does not exist", ctx, "ai_trajectory_log", gz(JSON.stringify({ AgentName: ctx.agentName, JobID: randomUUID(), Span: validSpan() })));
      if (k === 1) return agentRequest(category, "span for the job by another agent name", ctx, "ai_trajectory_log", gz(JSON.stringify({ AgentName: `${ctx.agentName}-other`, JobID: ctx.jobId, Span: validSpan() })));
      return agentRequest(category, "done for a job that does not exist", ctx, "ai_job_done", gz(JSON.stringify({ ID: randomUUID(), Results: {} })));
    }
    case "wrong-multipart":
      return wrongMultipart(rng, ctx, method, gz(JSON.stringify(payload())));
    case "oversized-request": {
      const k = rng.int(3);
      if (k === 0) return agentRequest(category, "a 17 MB payload", ctx, method, big("17mb", () => Buffer.alloc(17 * 1024 * 1024, 0x41)));
      if (k === 1) return agentRequest(category, "gzip inflating past 64 MB", ctx, method, gzipBomb());
      // Each text field within its limit, the span over the 8 MB per-span limit.
      const span = { ...validSpan(7), Prompt: "p".repeat(4 * 1024 * 1024), Reply: "r".repeat(4 * 1024 * 1024), Thoughts: "t".repeat(512 * 1024) };
      return agentRequest(category, "a 8.5 MB span", ctx, "ai_trajectory_log", big(`span-${ctx.jobId}`, () => gz(JSON.stringify({ AgentName: ctx.agentName, JobID: ctx.jobId, Span: span }))));
    }
    default: {
      // Field mutations: ai_job_done and ai_job_poll have few fields, so number, date and depth cases go to a span.
      const m = category as FieldMutation;
      let target: (typeof METHODS)[number] = m === "deep-nesting" || m.includes("number") || m === "bad-date" ? "ai_trajectory_log" : method;
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
      return req("no closing boundary, cut mid-part", { "content-type": m.contentType }, m.body.subarray(0, rng.int(m.body.length - m.boundary.length - 8)));
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
      return req("Content-Type application/json", { "content-type": "application/json" }, Buffer.from(JSON.stringify({ client: ctx.client, key: ctx.key, method })));
    case 7:
      return req("urlencoded form", { "content-type": "application/x-www-form-urlencoded" }, Buffer.from(new URLSearchParams({ client: ctx.client, key: ctx.key, method }).toString()));
    case 8:
      return req("empty multipart body", { "content-type": m.contentType }, Buffer.alloc(0));
    case 9:
      return req("random bytes as multipart", { "content-type": m.contentType }, rng.bytes(1 + rng.int(500)));
    case 10:
      return req("part without the blank line after its headers", { "content-type": m.contentType }, Buffer.from(m.body.toString("latin1").replace("\r\n\r\n", "\r\n"), "latin1"));
    default: {
      // The payload as a text field: gzip bytes do not survive being read as UTF-8 text.
      const mm = multipart(good.map((p) => (p.name === "payload" ? { name: "payload", data: payload } : p)));
      return req("payload sent as a text field", { "content-type": mm.contentType }, mm.body);
    }
  }
}

// ---- POST /api/import

function trajectory(rng: Rng): Record<string, unknown>[] {
  const n = 2 + rng.int(3);
  return [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "fuzz-flow", Started: T0, Finished: T1, Args: { KernelSrc: "/src" }, Results: { WorthFuzzing: false, Reasoning: "r" } },
    ...Array.from({ length: n }, (_, i) => validSpan(i + 1)),
  ];
}

function jobPage(rng: Rng): Record<string, unknown> {
  return {
    Job: { ID: randomUUID(), Workflow: "fuzz-flow", Description: "d", Created: T0, Started: T0, Finished: T1 },
    Trajectory: trajectory(rng).map((s) => ({ ...s, Args: JSON.stringify(s.Args ?? null), Results: JSON.stringify(s.Results ?? null), Duration: 5_000_000_000 })),
    Args: [{ Key: "KernelSrc", Value: "/src", Large: false }],
  };
}

const IMPORT_CATEGORIES = [
  "not-json", "truncated-json", "gzip-file", "invalid-utf8", "nul-byte", "empty", "wrong-shape",
  ...FIELD_MUTATIONS, "job-page", "html-report", "wrong-multipart", "all-or-nothing", "oversized",
] as const;

function importFile(category: string, what: string, content: Buffer, rng: Rng): RawRequest {
  // Half as a multipart file, half as the raw body (both are accepted forms).
  if (rng.bool()) {
    const m = multipart([{ name: "file", data: content, filename: `fuzz-${rng.int(1e6)}.json`, contentType: "application/json" }]);
    return { category, what, headers: { "content-type": m.contentType }, body: m.body };
  }
  return { category, what, headers: { "content-type": rng.pick(["application/json", "application/octet-stream", "text/plain"]) }, body: content, query: "?name=fuzz.json" };
}

/** Case i of a run: a malformed POST /api/import request. */
export function importCase(seed: number, i: number): RawRequest {
  const rng = caseRng(seed, i);
  const category = i % 250 === 249 ? "oversized" : rng.pick(IMPORT_CATEGORIES.filter((c) => c !== "oversized"));
  const file = (what: string, content: string | Buffer) => importFile(category, what, Buffer.isBuffer(content) ? content : Buffer.from(content), rng);
  switch (category) {
    case "not-json":
      return file("text in no trajectory shape", rng.pick(["hello", "NaN", "{not json}", "[1,2,", "<html></html>", "0/0 garbage", rng.text(1 + rng.int(300)), "{\"Trajectory\": [}"]));
    case "truncated-json": {
      const text = JSON.stringify(rng.bool() ? trajectory(rng) : jobPage(rng));
      const n = 1 + rng.int(text.length - 2);
      return file(`JSON cut to ${n} of ${text.length} characters`, text.slice(0, n));
    }
    case "gzip-file": {
      const full = gzipSync(JSON.stringify(trajectory(rng)));
      return file("a gzip-compressed trajectory (or part of one)", rng.bool() ? full : full.subarray(0, 1 + rng.int(full.length - 1)));
    }
    case "invalid-utf8": {
      const text = JSON.stringify(trajectory(rng));
      const at = text.indexOf('"Name":"') + 8;
      const bad = rng.pick(BAD_UTF8);
      return file(`bytes ${bad.toString("hex")} in a span name`, Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at))]));
    }
    case "nul-byte": {
      const text = JSON.stringify(trajectory(rng));
      return file("a raw NUL byte in the file", Buffer.from(insertAt(text, rng.int(text.length), "\u0000")));
    }
    case "empty":
      return file("empty or blank file", rng.pick(["", " ", "\n\n\t", "\ufeff", "\ufeff  "]));
    case "wrong-shape": {
      const v = rng.pick<unknown>([null, 1, "s", true, {}, { Job: {} }, { trajectory: [] }, [], [1, 2], [null], [[validSpan()]], ["span"], { Trajectory: 5 }, { Trajectory: {} }, { Trajectory: [1] }]);
      return file(`JSON ${JSON.stringify(v)}`, JSON.stringify(v));
    }
    case "job-page": {
      const page = jobPage(rng);
      const job = page.Job as Record<string, unknown>;
      const k = rng.int(9);
      const edits: [string, () => void][] = [
        ["Job is a list", () => (page.Job = [])],
        ["Job.Created not a date", () => (job.Created = rng.pick(BAD_DATES.filter((d) => d.trim() !== "")))],
        ["Args not a list", () => (page.Args = { KernelSrc: "/src" })],
        ["Args item without Key", () => (page.Args = [{ Value: "x" }])],
        ["Job.Results keys that collide once NUL is replaced", () => (job.Results = { ["a\u0000"]: 1, ["a\ufffd"]: 2 })],
        ["Job.Workflow of 201 characters", () => (job.Workflow = "w".repeat(201))],
        ["span Args not JSON text", () => (((page.Trajectory as Record<string, unknown>[])[1]!.Args = "{not json"))],
        ["span Duration not a number", () => (((page.Trajectory as Record<string, unknown>[])[1]!.Duration = "soon"))],
        ["Job.Results keys that collide once a lone surrogate is replaced", () => (job.Results = { ["\udc00"]: 1, ["\ufffd"]: 2 })],
      ];
      edits[k]![1]();
      return file(`job page: ${edits[k]![0]}`, JSON.stringify(page));
    }
    case "html-report": {
      const spans = JSON.stringify(trajectory(rng).map((s) => ({ ...s, Args: JSON.stringify(s.Args ?? null), Results: "" })));
      const k = rng.int(6);
      const bodies = [
        `<html><script>const rawData = ${spans.slice(0, spans.length / 2)}</script></html>`,
        `<html><script>const rawData = 5;</script></html>`,
        `<html><script>var other = [];</script></html>`,
        `<html><script>const rawData = ${deepText(2000)};</script></html>`,
        `<html><script>const rawData = [{Seq: 1, Nesting: 0, Type: "flow", Name: "x", Started: "${T0}", Args: "\\u0000"}];</script></html>`,
        `<html><script>const rawData = [{Seq: "one"}];</script></html>`,
      ];
      return file(`HTML report: ${["cut literal", "rawData not an array", "no rawData", "rawData 2,000 deep", "NUL in a span's Args", "wrong Seq type"][k]}`, bodies[k]!);
    }
    case "wrong-multipart": {
      const content = Buffer.from(JSON.stringify(trajectory(rng)).slice(0, -1)); // itself invalid, so any reading fails
      const m = multipart([{ name: "file", data: content, filename: "t.json" }]);
      const k = rng.int(6);
      const rq = (what: string, headers: Record<string, string>, body: Buffer): RawRequest => ({ category, what, headers, body });
      if (k === 0) return rq("no boundary", { "content-type": "multipart/form-data" }, m.body);
      if (k === 1) return rq("wrong boundary", { "content-type": "multipart/form-data; boundary=nope" }, m.body);
      if (k === 2) return rq("cut mid-part", { "content-type": m.contentType }, m.body.subarray(0, rng.int(m.body.length - m.boundary.length - 8)));
      if (k === 3) {
        const mm = multipart([{ name: "note", data: "no file here" }]);
        return rq("only a text field, no file", { "content-type": mm.contentType }, mm.body);
      }
      if (k === 4) {
        const mm = multipart(Array.from({ length: 101 }, (_, j) => ({ name: "file", data: "[]", filename: `f${j}.json` })));
        return rq("101 files", { "content-type": mm.contentType }, mm.body);
      }
      return rq("empty multipart body", { "content-type": m.contentType }, Buffer.alloc(0));
    }
    case "all-or-nothing": {
      // A good file next to a bad one: the good one must not be stored either.
      const good = JSON.stringify(trajectory(rng));
      const k = rng.int(2);
      // 22 llm spans at the per-span cap add up past the run's int token total (refused only after parsing).
      const overflow = JSON.stringify(Array.from({ length: 22 }, (_, j) => ({ ...validSpan(j + 1), Nesting: 0, InputTokens: 100_000_000 })));
      const bad = k === 0 ? "[{\"Seq\": -1}]" : overflow;
      const mm = multipart([
        { name: "file", data: good, filename: "good.json" },
        { name: "file", data: bad, filename: "bad.json" },
      ]);
      return { category, what: k === 0 ? "a good file and a bad span" : "a good file and a run whose token total overflows", headers: { "content-type": mm.contentType }, body: mm.body };
    }
    case "oversized": {
      const k = rng.int(3);
      if (k === 0) return file("a 51 MB file", big("51mb", () => Buffer.alloc(51 * 1024 * 1024, 0x20)));
      const t = trajectory(prng(k));
      if (k === 1) {
        t[1] = { ...t[1], Prompt: "p".repeat(4 * 1024 * 1024), Reply: "r".repeat(4 * 1024 * 1024), Thoughts: "t".repeat(512 * 1024) };
        return file("a span of 8.5 MB", big("span", () => Buffer.from(JSON.stringify(t))));
      }
      t[1] = { ...t[1], Prompt: "p".repeat(4 * 1024 * 1024 + 1) };
      return file("a Prompt one character over 4 MB", big("prompt", () => Buffer.from(JSON.stringify(t))));
    }
    default: {
      const t = trajectory(rng);
      const idx = rng.int(t.length);
      const r = mutateField(rng, t[idx]!, SPAN_FIELDS, category as FieldMutation)!;
      return file(`span #${idx + 1}: ${r.what}`, serialize(t, r));
    }
  }
}
