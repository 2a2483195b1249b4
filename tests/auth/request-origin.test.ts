// Where a request comes from, decided from its headers: the Host allow-list, the write-origin rule, the client address
// sign-in limits count by, and where sign-in may send people afterwards.
import { afterEach, describe, expect, it } from "vitest";
import { hostAllowed, writeSource } from "@/lib/auth/request-origin";
import { clientAddress } from "@/lib/auth/client-address";
import { safeNext } from "@/lib/auth/safe-next";

const saved = { ...process.env };
afterEach(() => {
  for (const k of ["ALLOWED_HOSTS", "BETTER_AUTH_URL", "TRUSTED_PROXIES"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("trajectory-viewer.peer-address-stamped")];
});

describe("the Host allow-list", () => {
  it("answers to IP addresses and localhost by default, and to nothing a DNS-rebinding page would send", () => {
    for (const host of ["127.0.0.1:3000", "127.0.0.1", "[::1]:3000", "192.0.2.7:80", "localhost:3000", "LOCALHOST"])
      expect(hostAllowed(host), host).toBe(true);
    for (const host of ["evil.example:3000", "localhost.evil.example", "127.0.0.1.nip.io:3000", "", null, "a b", "sub.localhost"])
      expect(hostAllowed(host), String(host)).toBe(false);
  });

  it("adds ALLOWED_HOSTS and BETTER_AUTH_URL's host", () => {
    process.env.ALLOWED_HOSTS = "viewer.lan, Viewer.Example.org";
    process.env.BETTER_AUTH_URL = "https://public.example.net";
    for (const host of ["viewer.lan:3000", "viewer.example.org", "public.example.net"]) expect(hostAllowed(host), host).toBe(true);
    expect(hostAllowed("other.example.org")).toBe(false);
  });
});

describe("the write-origin rule", () => {
  const h = (entries: Record<string, string>) => new Headers({ host: "127.0.0.1:3203", ...entries });
  it("takes Sec-Fetch-Site first: same-origin and none are ours, same-site (another port or subdomain) and cross-site are not", () => {
    expect(writeSource(h({ "sec-fetch-site": "same-origin", origin: "null" }))).toBe("same-origin");
    expect(writeSource(h({ "sec-fetch-site": "none" }))).toBe("same-origin");
    expect(writeSource(h({ "sec-fetch-site": "same-site", origin: "null" }))).toEqual({
      refused: expect.stringContaining("Sec-Fetch-Site: same-site"),
    });
    expect(writeSource(h({ "sec-fetch-site": "cross-site", origin: "http://127.0.0.1:3203" }))).toHaveProperty("refused");
  });

  it("else the Origin: this host (or BETTER_AUTH_URL's origin) is ours, another port or host is not, null is unproven", () => {
    expect(writeSource(h({ origin: "http://127.0.0.1:3203" }))).toBe("same-origin");
    expect(writeSource(h({ origin: "http://127.0.0.1:3204" }))).toEqual({
      refused: expect.stringContaining("Origin http://127.0.0.1:3204"),
    });
    expect(writeSource(h({ origin: "http://sub.127.0.0.1:3203" }))).toHaveProperty("refused");
    expect(writeSource(h({ origin: "null" }))).toBe("unproven");
    expect(writeSource(h({ origin: "not a url" }))).toHaveProperty("refused");
    expect(writeSource(h({}))).toBe("no-browser");
    process.env.BETTER_AUTH_URL = "https://viewer.example.org";
    expect(writeSource(h({ origin: "https://viewer.example.org" }))).toBe("same-origin");
    expect(writeSource(new Headers({ host: "app:80", origin: "http://app" }))).toBe("same-origin");
  });
});

describe("the client address", () => {
  const stamp = () => ((globalThis as Record<symbol, unknown>)[Symbol.for("trajectory-viewer.peer-address-stamped")] = true);

  it("is the connection's address; a client's x-forwarded-for is ignored unless the connection is a trusted proxy", () => {
    stamp();
    const from = (peer: string, xff?: string) =>
      clientAddress(new Headers({ "x-peer-address": peer, ...(xff ? { "x-forwarded-for": xff } : {}) }));
    expect(from("::ffff:198.51.100.7", "203.0.113.1")).toBe("198.51.100.7");
    expect(from("198.51.100.7", "203.0.113.2")).toBe("198.51.100.7");
    process.env.TRUSTED_PROXIES = "127.0.0.1, 10.0.0.0/8";
    expect(from("127.0.0.1", "203.0.113.2")).toBe("203.0.113.2");
    expect(from("127.0.0.1", "203.0.113.9, 203.0.113.2, 10.1.2.3")).toBe("203.0.113.2"); // the left part is the client's own
    expect(from("198.51.100.7", "203.0.113.2")).toBe("198.51.100.7"); // not from a proxy: its header means nothing
    expect(from("2001:db8:1:2:3:4:5:6")).toBe("2001:0db8:0001:0002:0000:0000:0000:0000"); // one /64
  });

  it("without the connection's address (no preload), takes a single x-forwarded-for entry, as Next fills it", () => {
    expect(clientAddress(new Headers({ "x-peer-address": "198.51.100.7", "x-forwarded-for": "203.0.113.5" }))).toBe("203.0.113.5");
    expect(clientAddress(new Headers({ "x-forwarded-for": "203.0.113.5, 203.0.113.6" }))).toBe("unknown");
  });
});

describe("where sign-in sends people", () => {
  it("only to a path of this site, as the browser parses it", () => {
    const off = [
      "/\t/evil.example",
      "/\\evil.example",
      "/\t\\evil.example",
      "\t//evil.example",
      "//evil.example",
      "///evil.example",
      "/.//evil.example",
      "/a/../..//evil.example",
      "/\n/evil.example",
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "https://evil.example/",
      "data:text/html,x",
      "\\\\evil.example",
      "",
      42,
      null,
    ];
    for (const next of off) expect(safeNext(next), JSON.stringify(next)).toBe("/");
    expect(safeNext("/jobs/1?q=a#span-3")).toBe("/jobs/1?q=a#span-3");
    expect(safeNext("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example"); // encoded: a path on this site
    expect(safeNext("jobs/1")).toBe("/jobs/1");
    // A scheme-relative spelling resolves to a path here; only that path is sent, never the original text.
    expect(safeNext("http:evil.example")).toBe("/evil.example");
  });
});
