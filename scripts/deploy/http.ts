// HTTPS calls through the deployment's proxy for `npm run test:deploy`: a fresh connection each (agent: false), so
// nginx spreads them over the app instances, optionally from a chosen loopback address (the sign-in limits' check).
import https from "node:https";

/** An answer: status, headers as Node gives them, the body as UTF-8 text. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request to `url` (https; the certificate is trusted through NODE_EXTRA_CA_CERTS). `from` is the local address
 * to connect from. Rejects on a connection error; any HTTP status resolves.
 */
export function call(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: Buffer | string; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = typeof o.body === "string" ? Buffer.from(o.body) : o.body;
    const r = https.request(
      url,
      {
        method: o.method ?? "GET",
        agent: false,
        localAddress: o.from,
        headers: { ...(body ? { "content-length": String(body.length) } : {}), ...o.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(body);
  });
}

/** The cookies an answer sets, as `name=value` for a Cookie header; cleared ones (`name=`) are left out. */
export const cookiesOf = (a: Answer): string[] =>
  ((a.headers["set-cookie"] as string[] | undefined) ?? []).map((c) => c.split(";")[0]!).filter((c) => !c.endsWith("="));
