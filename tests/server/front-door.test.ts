// The app server's front door (lib/server/front-door.ts) over real HTTP on a plain Node server: the machine routes get
// the same Host, method and failure rules as Next's routes, plain-text or JSON errors, 503 for a database outage, the
// connection's own address, TRACE refused, and one log line per request without the query.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { frontDoor } from "@/lib/server/front-door";
import { MACHINE_ROUTES, type MachineRoute } from "@/lib/server/machine-routes";
import { requestLogger } from "@/lib/server/request-log";
import { badRequest, conflict, unauthorized } from "@/lib/http/errors";
import { readBodyCapped } from "@/lib/http/body";
import { encodeCall } from "@/lib/agents/client";
import { addClient } from "@/lib/agents/keys";
import { db, disconnectDb } from "@/lib/db/client";

const table: MachineRoute[] = [
  ...MACHINE_ROUTES,
  {
    method: "POST",
    path: "/t/text",
    errors: "text",
    handle: async () => {
      throw badRequest("field x: not a number");
    },
  },
  {
    method: "POST",
    path: "/t/json",
    errors: "json",
    handle: async () => {
      throw conflict("job 1 has ended");
    },
  },
  {
    method: "POST",
    path: "/t/db",
    errors: "text",
    handle: async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    },
  },
  {
    method: "POST",
    path: "/t/bug",
    errors: "text",
    handle: async () => {
      throw new TypeError("x is undefined");
    },
  },
  {
    method: "POST",
    path: "/t/echo",
    errors: "text",
    handle: async (req) => {
      if (req.headers["x-key"] !== "right") throw unauthorized("wrong key");
      return { body: await readBodyCapped(req.body, 16, "body") };
    },
  },
];

const lines: string[] = [];
let server: http.Server;
let port = 0;
beforeAll(async () => {
  const door = frontDoor(
    table,
    requestLogger("json", (l) => lines.push(l)),
  );
  server = http.createServer((req, res) => {
    if (door(req, res)) return;
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`next saw peer ${req.headers["x-peer-address"]}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await disconnectDb();
});

function request(
  method: string,
  path: string,
  o: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

describe("the front door", () => {
  it("answers a handler's refusal in the route's shape: plain text for the protocol, { error, code } for JSON routes", async () => {
    const text = await request("POST", "/t/text");
    expect(text).toMatchObject({ status: 400, text: "field x: not a number" });
    expect(text.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(text.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(text.headers["x-content-type-options"]).toBe("nosniff");
    const json = await request("POST", "/t/json");
    expect(json.status).toBe(409);
    expect(JSON.parse(json.text)).toEqual({ error: "job 1 has ended", code: "Conflict" });
  });

  it("answers a database outage 503 with Retry-After, and a bug 500 without its message", async () => {
    const down = await request("POST", "/t/db");
    expect(down).toMatchObject({ status: 503, text: "database unavailable: try again shortly" });
    expect(down.headers["retry-after"]).toBe("1");
    const bug = await request("POST", "/t/bug");
    expect(bug).toMatchObject({ status: 500, text: "internal error" });
  });

  it("checks the Host first (421), then the method (405 with Allow; OPTIONS 204); TRACE anywhere is 405", async () => {
    const foreign = await request("POST", "/t/echo", { headers: { host: "evil.example" } });
    expect(foreign.status).toBe(421);
    expect(foreign.text).toMatch(/does not answer to the host "evil.example"/);
    const get = await request("GET", "/api");
    expect(get).toMatchObject({ status: 405, text: "method GET not allowed here: this route takes POST" });
    expect(get.headers.allow).toBe("POST");
    const options = await request("OPTIONS", "/api");
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("OPTIONS, POST");
    const trace = await request("TRACE", "/anything");
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  });

  it("refuses before reading the body and still answers (no reset); caps the body it reads", async () => {
    const refused = await request("POST", "/t/echo", { body: Buffer.alloc(4 << 20, 1) });
    expect(refused).toMatchObject({ status: 401, text: "wrong key" });
    const big = await request("POST", "/t/echo", { headers: { "x-key": "right" }, body: "x".repeat(17) });
    expect(big).toMatchObject({ status: 413, text: "body is 17 bytes, the limit is 16 bytes" });
    const ok = await request("POST", "/t/echo", { headers: { "x-key": "right" }, body: "hello" });
    expect(ok).toMatchObject({ status: 200, text: "hello" });
  });

  it("hands other paths on with the connection's own address, whatever x-peer-address a client sent", async () => {
    const r = await request("GET", "/api/jobs", { headers: { "x-peer-address": "203.0.113.9" } });
    expect(r.text).toBe("next saw peer 127.0.0.1");
  });

  it("serves the agent protocol at POST /api: a wrong key is 401 as text, a poll answers JSON", async () => {
    const client = `door-${randomUUID().slice(0, 8)}`;
    const key = await addClient(db(), client);
    const payload = { AgentName: "pod", Workflows: [{ Type: "none", Name: `none-${randomUUID()}` }] };
    const wrong = encodeCall({ client, key: "nope", method: "ai_job_poll", payload });
    const refused = await request("POST", "/api", { headers: { "content-type": wrong.contentType }, body: wrong.body });
    expect(refused).toMatchObject({ status: 401, text: "unknown client or wrong key" });
    const right = encodeCall({ client, key, method: "ai_job_poll", payload });
    const polled = await request("POST", "/api", { headers: { "content-type": right.contentType }, body: right.body });
    expect(polled.status, polled.text).toBe(200);
    expect(JSON.parse(polled.text)).toEqual({ ID: "", Workflow: "", Args: null });
  });

  it("logs one JSON line a request: method, path without its query, status, ms", async () => {
    lines.length = 0;
    await request("POST", "/t/json?secret=s3cr3t");
    await new Promise((r) => setTimeout(r, 20));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ method: "POST", path: "/t/json", status: 409 });
    expect(typeof line.ms).toBe("number");
    expect(lines[0]).not.toContain("s3cr3t");
  });
});
