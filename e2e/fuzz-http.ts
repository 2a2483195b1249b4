// The fuzz test's HTTP side: raw requests, their replies, and keep-alive clients for POST /api and POST /api/import.
import http from "node:http";
import { readFileSync } from "node:fs";
import { OPERATOR_STATE } from "./users";

export interface Reply {
  status: number;
  text: string;
  contentType: string;
}

export interface RawRequest {
  /** what the case is, for the report */
  category: string;
  /** a short description of the input */
  what: string;
  headers: Record<string, string>;
  body: Buffer;
  /** path and query after the endpoint, e.g. "?name=x" */
  query?: string;
  /** the JSON text before gzip, when there is one: what a failure report shows */
  source?: string;
}

/** One keep-alive connection pool per client: thousands of requests must not each open a socket. */
function poster(baseURL: string, path: string, extraHeaders: () => Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const once = (r: RawRequest): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        `${baseURL}${path}${r.query ?? ""}`,
        { method: "POST", agent, headers: { ...extraHeaders(), ...r.headers, "content-length": String(r.body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString("utf8"),
              contentType: String(res.headers["content-type"] ?? ""),
            }),
          );
          res.on("error", reject);
        },
      );
      // A hang is a finding too: no answer within 30 s fails this input instead of the whole run.
      req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
      req.on("error", reject);
      req.end(r.body);
    });
  return {
    async post(r: RawRequest): Promise<Reply> {
      try {
        return await once(r);
      } catch (e) {
        // A keep-alive socket the server closed just as we reused it: that request never reached the app.
        if ((e as NodeJS.ErrnoException).code === "ECONNRESET" || (e as NodeJS.ErrnoException).code === "EPIPE") return once(r);
        throw e;
      }
    },
    close: () => agent.destroy(),
  };
}

export type Poster = ReturnType<typeof poster>;

/** The agent protocol client: authentication travels in the multipart fields, so no headers are added. */
export function agentApiClient(baseURL: string): Poster {
  return poster(baseURL, "/api", () => ({}));
}

/**
 * The import client. The one place that knows how an import request is authorised: POST /api/import needs an
 * operator, so it sends the session cookie the setup project saved (e2e/auth.setup.ts) — bad input must be
 * refused for what it is, not for a missing sign-in.
 */
export function importClient(baseURL: string): Poster {
  const state = JSON.parse(readFileSync(OPERATOR_STATE, "utf8")) as { cookies: { name: string; value: string }[] };
  const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  return poster(baseURL, "/api/import", () => ({ cookie }));
}
