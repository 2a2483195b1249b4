// A client that leaves while its answer is backpressured: Next's own writer (pipeToNodeResponse, as Next pipes every
// streamed answer) must end, not wait for good for a 'drain' that never comes (attack6 G2). Real HTTP, Next's real
// pipe; the answer is a stream of 64 MB the client never reads past its first bytes.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
// Next's internal module: the writer every streamed answer of Next goes through.
import { pipeToNodeResponse } from "next/dist/server/pipe-readable";
import { guardWrites } from "@/lib/server/abandoned-writes";

/** Serves one big streamed answer through Next's pipe; resolves with whether the pipe settled within `ms` after the client left. */
async function pipeSettlesAfterAbort(fix: boolean, ms: number): Promise<boolean> {
  let piped!: Promise<unknown>;
  let closed!: () => void;
  const left = new Promise<void>((r) => (closed = r));
  const server = http.createServer((req, res) => {
    if (fix) guardWrites(res);
    res.once("close", () => closed());
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 64 * 1024 * 1024) return c.close();
        sent += 256 * 1024;
        c.enqueue(new Uint8Array(256 * 1024));
      },
    });
    res.writeHead(200, { "content-type": "application/octet-stream" });
    piped = pipeToNodeResponse(body, res).catch(() => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    // Read the first bytes, then stop reading (the server's writes back up), then leave.
    await new Promise<void>((r) => socket.once("data", () => (socket.pause(), r())));
    await new Promise((r) => setTimeout(r, 300));
    socket.destroy();
    await left;
    return await Promise.race([piped.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe("a client that leaves a backpressured answer", () => {
  it("lets Next's writer end (without the fix it waits for good)", async () => {
    expect(await pipeSettlesAfterAbort(true, 3000)).toBe(true);
    // Next's writer alone waits for good. When this fails, Next has fixed it and lib/server/abandoned-writes.ts can go.
    expect(await pipeSettlesAfterAbort(false, 1000)).toBe(false);
  });

  it("cuts a client that stays connected and takes nothing of its answer for the send timeout, not one that reads slowly", async () => {
    const closedAfter = async (readEveryMs: number | null): Promise<boolean> => {
      let closed = false;
      const server = http.createServer((req, res) => {
        guardWrites(res, 1000);
        res.once("close", () => (closed = !res.writableFinished));
        res.writeHead(200);
        // 32 MB, written as the socket takes it: backpressured at once when the client does not read.
        let left = 128;
        const more = () => {
          while (left > 0) {
            left--;
            if (!res.write(new Uint8Array(256 * 1024))) return void res.once("drain", more);
          }
          res.end();
        };
        more();
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
      socket.on("error", () => {});
      socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
      await new Promise<void>((r) => socket.once("data", () => (socket.pause(), r())));
      // A slow reader takes a little every `readEveryMs`; a stalled one nothing.
      const reading = readEveryMs === null ? undefined : setInterval(() => socket.read(64 * 1024), readEveryMs);
      await new Promise((r) => setTimeout(r, 3500));
      clearInterval(reading);
      const cut = closed;
      socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      return cut;
    };
    expect(await closedAfter(null)).toBe(true);
    expect(await closedAfter(20)).toBe(false);
  });
});
