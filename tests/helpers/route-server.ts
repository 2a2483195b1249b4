// Route handlers of app/ served over real HTTP on a plain Node server (no Next build): each request becomes a Fetch
// Request, the handler's Response body is piped back with backpressure (a client that stops reading stops the
// stream's pulls). For tests of what a client sees on the wire: status, headers, a streamed body, concurrency.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline, Readable } from "node:stream";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** One route: a path pattern with named groups (its params) and the handlers by method. */
export interface ServedRoute {
  path: RegExp;
  handlers: Partial<Record<string, Handler>>;
}

/** Starts a server on 127.0.0.1 for `routes`; returns its base URL and a close function. */
export async function serveRoutes(routes: ServedRoute[]): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      for (const r of routes) {
        const m = r.path.exec(url.pathname);
        const handler = m && r.handlers[req.method ?? "GET"];
        if (!m || !handler) continue;
        const hasBody = req.method !== "GET" && req.method !== "HEAD";
        const ac = new AbortController();
        res.on("close", () => ac.abort());
        const request = new Request(url, {
          method: req.method,
          headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]])),
          body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
          signal: ac.signal,
          ...(hasBody ? { duplex: "half" } : {}),
        } as RequestInit);
        const answer = await handler(request, { params: Promise.resolve({ ...m.groups }) });
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        if (!answer.body) return void res.end();
        const body = Readable.fromWeb(answer.body as import("node:stream/web").ReadableStream<Uint8Array>, { highWaterMark: 1 });
        // A body that fails cuts the connection, as Next's writer does (res.destroy).
        pipeline(body, res, () => {});
        return;
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
