// Live streams over real HTTP (GET /api/jobs/<id>/events): one anonymous address holds at most
// LIVE_WATCHERS_PER_ADDRESS streams; another address and an agent key still get theirs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { COMMAND_LINE } from "@/lib/audit/log";
import { importFiles } from "@/lib/import/import-files";
import { addClient } from "@/lib/agents/keys";
import { LIVE_WATCHERS_PER_ADDRESS } from "@/lib/limits";
import { GET as eventsGET } from "@/app/api/jobs/[id]/events/route";
import { serveRoutes } from "../helpers/route-server";

let base = "";
let close = async () => {};
const open: http.ClientRequest[] = [];
beforeAll(async () => {
  ({ base, close } = await serveRoutes([{ path: /^\/api\/jobs\/(?<id>[^/]+)\/events$/, handlers: { GET: eventsGET } }]));
});
afterAll(async () => {
  for (const r of open) r.destroy();
  await close();
  await disconnectDb();
});

/** Opens a stream with `headers`; resolves with its status once the answer's head arrives (the stream stays open). */
function stream(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      resolve(res.statusCode!);
      res.resume();
    });
    req.on("error", () => {});
    open.push(req);
    setTimeout(() => reject(new Error("no answer")), 15_000);
  });
}

describe("live stream slots", () => {
  it("one address cannot take the shared anonymous slots", async () => {
    const outcome = await importFiles(
      [
        {
          name: "live.json",
          content: Buffer.from(
            JSON.stringify([
              { Seq: 0, Nesting: 0, Type: "flow", Name: `live-${randomUUID().slice(0, 8)}`, Started: "2026-03-01T10:00:00Z" },
            ]),
          ),
        },
      ],
      COMMAND_LINE,
    );
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    const id = outcome.jobs[0]!.id;
    await db().job.update({ where: { id }, data: { status: "running" } });
    const url = `${base}/api/jobs/${id}/events`;
    const one = { "x-forwarded-for": "10.6.0.1" };
    for (let i = 0; i < LIVE_WATCHERS_PER_ADDRESS; i++) expect(await stream(url, one)).toBe(200);
    expect(await stream(url, one)).toBe(429);
    // Another anonymous reader, and an agent key, still get a stream.
    expect(await stream(url, { "x-forwarded-for": "10.6.0.2" })).toBe(200);
    const client = `live-${randomUUID().slice(0, 8)}`;
    const key = await addClient(db(), client);
    expect(await stream(url, { ...one, "x-agent-client": client, "x-agent-key": key })).toBe(200);
    // A wrong key is refused as such, not counted as anonymous.
    expect(await stream(url, { ...one, "x-agent-client": client, "x-agent-key": "wrong" })).toBe(401);
  });
});
