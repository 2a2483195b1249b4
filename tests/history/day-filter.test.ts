// A day filter (from=, to=) is a calendar day of years 0001-9999, one rule (lib/trajectory/time.ts isCalendarDay) for
// every reader of the history's filters: PostgreSQL has no year 0, so from=0000-01-01 reached it and answered 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, db } from "@/lib/db/client";
import { parseHistoryQueryLenient } from "@/lib/history/query";
import { previewExperiment } from "@/lib/experiments/start";
import { HttpError } from "@/lib/http/errors";
import { GET as jobsGET } from "@/app/api/jobs/route";
import { serveRoutes } from "../helpers/route-server";

let base = "";
let close = async () => {};
beforeAll(async () => {
  ({ base, close } = await serveRoutes([{ path: /^\/api\/jobs$/, handlers: { GET: jobsGET } }]));
});
afterAll(async () => {
  await close();
  await disconnectDb();
});

describe("day filters", () => {
  it("GET /api/jobs refuses a day outside 0001-9999 or not on the calendar with 400 naming the parameter", async () => {
    for (const q of ["from=0000-01-01", "to=0000-12-31", "from=2026-02-30", "to=2026-13-01"]) {
      const res = await fetch(`${base}/api/jobs?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error, q).toMatch(new RegExp(`^${q.split("=")[0]}: not a calendar day from 0001-01-01 to 9999-12-31`));
    }
    for (const q of ["from=0001-01-01", "to=9999-12-31", "from=2024-02-29"]) {
      const res = await fetch(`${base}/api/jobs?${q}`);
      expect(res.status, q).toBe(200);
    }
  });

  it("the history page drops a bad day alone and keeps the other filters", () => {
    const { query, problems } = parseHistoryQueryLenient(new URLSearchParams("from=0000-01-01&status=finished"));
    expect(query.from).toBeUndefined();
    expect(query.status).toBe("finished");
    expect(problems).toEqual(["from: not a calendar day from 0001-01-01 to 9999-12-31"]);
  });

  it("an experiment's selection refuses it as a bad request (400), not a database error", async () => {
    const e = await previewExperiment(db(), {
      selection: { filters: "from=0000-01-01" },
      setup: { kind: "builtin", value: "replay" },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(400);
    expect((e as HttpError).message).toMatch(/selection\.filters: from: not a calendar day/);
  });
});
