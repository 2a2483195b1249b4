// The built-in agent's protocol client survives an app or database restart: transient failures are retried with capped backoff.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AppError, ProtocolClient } from "@/lib/triage-agent/protocol";
import { backoffMs } from "@/lib/triage-agent/retry";

type Answer = number | "reset";
const JOB = "6f0b3c52-2f4e-4bd8-9b8f-0b9f2d3f6a11";
const span = { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: "2026-11-25T10:00:00Z" };
const backoff = { baseMs: 100, capMs: 300, retries: 4 };

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A real HTTP server that plays the given answers in turn (then 200) and counts the requests it saw. */
async function scriptedApp(answers: Answer[]): Promise<{ url: string; requests: () => number }> {
  let n = 0;
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const a = answers[n++] ?? 200;
      if (a === "reset") return req.socket.destroy();
      res.writeHead(a, { "content-type": a === 200 ? "application/json" : "text/plain" }).end(a === 200 ? "" : `status ${a}`);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests: () => n };
}

function client(url: string) {
  const waits: number[] = [];
  const c = new ProtocolClient(url, "c", "k", "agent", "rev", { backoff, sleep: async (ms) => void waits.push(ms) });
  return { c, waits };
}

describe("protocol client retries", () => {
  it("sends a span again after 503, 502 and 504 and a reset connection, waiting longer each time", async () => {
    const app = await scriptedApp([503, 502, "reset", 504]);
    const { c, waits } = client(app.url);
    await c.log(JOB, span);
    expect(app.requests()).toBe(5);
    expect(waits).toEqual([100, 200, 300, 300]);
  });

  it("gives up after the configured retries when the app stays unreachable, with the connection error", async () => {
    // A port nobody listens on: connection refused on every attempt.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const { c, waits } = client(`http://127.0.0.1:${port}`);
    await expect(c.done(JOB, { WorthFuzzing: false })).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(waits).toEqual([100, 200, 300, 300]);
  });

  it("does not retry answers that say the request itself is wrong, nor a 500", async () => {
    for (const status of [409, 500]) {
      const app = await scriptedApp([status]);
      const { c, waits } = client(app.url);
      const err = await c.log(JOB, span).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(status);
      expect(app.requests()).toBe(1);
      expect(waits).toEqual([]);
      server!.closeAllConnections();
      await new Promise((r) => server!.close(r));
      server = undefined;
    }
  });

  it("never sends a poll twice: a lost reply would hand out a second job", async () => {
    const app = await scriptedApp([503]);
    const { c } = client(app.url);
    await expect(c.poll()).rejects.toMatchObject({ status: 503 });
    expect(app.requests()).toBe(1);
  });

  it("backoff doubles from the base and stops at the cap", () => {
    expect([0, 1, 2, 3, 4, 10, 100].map((a) => backoffMs(a, { baseMs: 250, capMs: 5000, retries: 10 }))).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000,
    ]);
  });
});
