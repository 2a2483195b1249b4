// The two ways a load run talks to the app: agent-protocol calls (multipart + gzip JSON, formats doc §4) and page GETs.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";

export interface Timed {
  /** HTTP status, or the network error's code (ECONNREFUSED, ECONNRESET, …) when no answer came */
  outcome: number | string;
  text: string;
  ms: number;
}

export interface Credentials {
  client: string;
  key: string;
}

function networkCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : e instanceof Error ? e.message.slice(0, 60) : "network error";
}

// Each call on a fresh connection, as the built-in agent does: a reused keep-alive socket the server has just
// closed would fail a POST that was never processed and blur the "acknowledged" line the bench draws.
function request(url: string, method: string, headers: Record<string, string | number>, body: Buffer | undefined, timeoutMs: number): Promise<Timed> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = (outcome: number | string, text: string) => resolve({ outcome, text, ms: performance.now() - t0 });
    const r = http.request(url, { method, agent: false, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
      res.on("error", (e) => done(networkCode(e), ""));
    });
    r.on("timeout", () => r.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    r.on("error", (e) => done(networkCode(e), ""));
    r.end(body);
  });
}

/** Encodes a call once; the returned function sends it (again) and times it. */
export function protocolCall(baseURL: string, creds: Credentials, method: string, payload: unknown): () => Promise<Timed> {
  // The multipart framing is fixed per call, so retries send byte-identical bodies.
  const boundary = `----load${Math.random().toString(16).slice(2)}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body = Buffer.concat([
    Buffer.from(field("client", creds.client) + field("key", creds.key) + field("method", method)),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="payload"; filename="payload"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    gzipSync(JSON.stringify(payload)),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const headers = { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": body.length };
  return () => request(`${baseURL}/api`, "POST", headers, body, 60_000);
}

/** GET of a page or JSON route; the body is read to the end, as a browser would. */
export function get(url: string): Promise<Timed> {
  return request(url, "GET", { accept: "text/html,application/json" }, undefined, 60_000);
}
