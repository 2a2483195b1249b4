// A page that failed on a busy database (a query past statement_timeout: SQLSTATE 57014) is 503 with Retry-After, not
// 500, over real HTTP: the app's server tags the request, Next's onRequestError (instrumentation.ts, called here as Next
// calls it) notes the failure, and the 500 head Next then writes becomes 503. Other failures stay 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { answerBusyPagesAs503 } from "@/lib/server/busy-pages";
import { onRequestError } from "@/instrumentation";

let server: http.Server;
let base = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    answerBusyPagesAs503(req, res);
    // Stands in for Next rendering a page whose query failed: onRequestError, then the error page with status 500.
    const error =
      req.url === "/timeout"
        ? Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" })
        : new TypeError("a bug");
    void onRequestError(
      error,
      { path: req.url!, method: "GET", headers: req.headers },
      {
        routerKind: "App Router",
        routePath: req.url!,
        routeType: "render",
        renderSource: "react-server-components",
        revalidateReason: undefined,
      },
    );
    res.statusCode = 500;
    res.setHeader("content-type", "text/html");
    res.end("<p>This page could not be loaded</p>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe("pages on a busy database", () => {
  it("a statement timeout is 503 with Retry-After", async () => {
    const res = await fetch(`${base}/timeout`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
  });

  it("a bug stays 500, and a client's own tag header changes nothing", async () => {
    expect((await fetch(`${base}/bug`)).status).toBe(500);
    expect((await fetch(`${base}/bug`, { headers: { "x-trajectory-request": "x" } })).status).toBe(500);
  });
});
