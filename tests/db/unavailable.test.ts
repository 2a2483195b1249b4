// The 503 rule: errors of an unreachable database are told apart from the app's own failures.
import net from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe("isDatabaseUnavailable", () => {
  it("is true for what Prisma throws when PostgreSQL does not answer, through the model API and raw SQL", async () => {
    const url = `postgresql://postgres:x@127.0.0.1:${await closedPort()}/nothing`;
    const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    try {
      const modelErr = await client.job.count().catch((e: unknown) => e);
      const rawErr = await client.$queryRaw`SELECT 1`.catch((e: unknown) => e);
      expect(isDatabaseUnavailable(modelErr)).toBe(true);
      expect(isDatabaseUnavailable(rawErr)).toBe(true);
    } finally {
      await client.$disconnect();
    }
  });

  it("is true for a connection the server terminated (SQLSTATE 57P01) and false for errors of the query itself", async () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    const syntax = await db()
      .$queryRawUnsafe("SELEC 1")
      .catch((e: unknown) => e);
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
