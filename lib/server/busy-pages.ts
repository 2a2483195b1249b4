// A page that failed because the database was too busy or away (a query past its statement_timeout, no connection in
// time, an outage) is answered 503 with Retry-After, as API routes are (lib/api/rules.ts), not 500: the request was
// well formed. Next decides a failed page's status itself, so the app's server tags each request (REQUEST_TAG_HEADER),
// Next's onRequestError (instrumentation.ts) notes a busy failure under that tag (lib/api/busy-requests.ts), and the
// server turns that request's 500 into 503 as the head is written.
import "server-only";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { busyRequests, REQUEST_TAG_HEADER } from "@/lib/api/busy-requests";

/** Tags `req` and makes its answer 503 with Retry-After instead of 500 when its page failed on a busy database. */
export function answerBusyPagesAs503(req: IncomingMessage, res: ServerResponse): void {
  const tag = randomUUID();
  req.headers[REQUEST_TAG_HEADER] = tag;
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const m = busyRequests();
    if (status === 500 && m.has(tag)) {
      status = 503;
      res.statusCode = 503;
      res.setHeader("retry-after", "5");
    }
    m.delete(tag);
    return writeHead(status, ...rest);
  }) as ServerResponse["writeHead"];
}
