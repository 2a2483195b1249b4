// A database too busy for a request (Prisma's interactive transaction expired: P2028; a deadlock) is a 503 with
// Retry-After from every route, never a 500: the request was well formed. Over real HTTP, with a real P2028.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { route } from "@/lib/api/route";
import { db, disconnectDb } from "@/lib/db/client";
import { serveRoutes } from "../helpers/route-server";

let base = "";
let close = async () => {};
let thrown: unknown;
const expired = route({ access: "public" }, async () => {
  // A transaction that outlives its timeout: Prisma ends it and the next statement in it fails with P2028.
  await db()
    .$transaction(
      async (tx) => {
        await new Promise((r) => setTimeout(r, 300));
        await tx.$queryRaw`SELECT 1`;
      },
      { timeout: 50 },
    )
    .catch((e: unknown) => {
      thrown = e;
      throw e;
    });
  return { ok: true };
});
const deadlock = route({ access: "public" }, async () => {
  throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
});

beforeAll(async () => {
  ({ base, close } = await serveRoutes([
    { path: /^\/t\/expired$/, handlers: { GET: expired } },
    { path: /^\/t\/deadlock$/, handlers: { GET: deadlock } },
  ]));
});
afterAll(async () => {
  await close();
  await disconnectDb();
});

describe("a busy database", () => {
  it("an expired transaction (P2028) is 503 with Retry-After", async () => {
    const res = await fetch(`${base}/t/expired`);
    expect((thrown as { code?: string }).code).toBe("P2028");
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/database is busy/), code: "Unavailable" });
  });

  it("a deadlock is 503 with Retry-After", async () => {
    const res = await fetch(`${base}/t/deadlock`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
  });
});
