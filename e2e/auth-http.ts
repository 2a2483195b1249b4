// Plain HTTP for the sign-in and attack tests: requests sent from a chosen loopback address (127.0.0.2, 127.0.0.3, …
// are this machine too), so the app sees another client's connection, and with any Host header, which fetch forbids.
import http from "node:http";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  /** the address the connection leaves from; default 127.0.0.1 */
  from?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One request to `url` (http only), answered in full; redirects are not followed. */
export function rawRequest(url: string, o: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: o.method ?? "GET",
        localAddress: o.from ?? "127.0.0.1",
        headers: { ...(o.body !== undefined ? { "content-length": String(Buffer.byteLength(o.body)) } : {}), ...o.headers },
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

/** POST /api/auth/sign-in/email from `from`: the status, the refusal text, and the session cookie on success. */
export async function signInOverHttp(
  base: string,
  email: string,
  password: string,
  o: { from?: string; headers?: Record<string, string> } = {},
) {
  const res = await rawRequest(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    from: o.from,
    headers: { "content-type": "application/json", ...o.headers },
    body: JSON.stringify({ email, password }),
  });
  const cookie = (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  return { status: res.status, body: res.body, retryAfter: res.headers["retry-after"], cookie };
}
