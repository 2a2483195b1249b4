// The route factory: one error shape and one status table for every route, params checked, outages as 503.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { postOnly, route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { conflict, ERROR_STATUS, HttpError, noSuchRun, tooLarge } from "@/lib/http/errors";

const get = (url = "http://app.test/x", init?: RequestInit) => new Request(url, init);
const seg = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

describe("route()", () => {
  it("answers a thrown HttpError with its kind's status and { error, code }", async () => {
    const h = route({ access: "public", params: runParams }, async ({ params }) => {
      throw noSuchRun(params.id);
    });
    const res = await h(get(), seg({ id: "00000000-0000-4000-8000-000000000000" }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "no run 00000000-0000-4000-8000-000000000000", code: "NotFound" });
  });

  it("checks params with zod and says which one is wrong", async () => {
    const h = route({ access: "public", params: runParams }, async () => ({ ok: true }));
    const res = await h(get(), seg({ id: "not-a-uuid" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "id: not a run id (expected a UUID)", code: "BadRequest" });
  });

  it("checks a JSON body and its size", async () => {
    const h = route({ access: "public", body: { schema: z.object({ n: z.number() }), maxBytes: 20 } }, async ({ body }) => ({
      twice: body.n * 2,
    }));
    const ok = await h(get("http://app.test/x", { method: "POST", body: '{"n": 21}' }), seg());
    expect(await ok.json()).toEqual({ twice: 42 });
    const bad = await h(get("http://app.test/x", { method: "POST", body: '{"n": "x"}' }), seg());
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^n: /);
    const big = await h(get("http://app.test/x", { method: "POST", body: `{"n": ${"1".repeat(40)}}` }), seg());
    expect(big.status).toBe(413);
    const notJson = await h(get("http://app.test/x", { method: "POST", body: "{" }), seg());
    expect(await notJson.json()).toEqual({ error: "body: not valid JSON", code: "BadRequest" });
  });

  it("bounds a JSON body by its values and nesting before parsing it (413 / 400 naming the cap), not only its bytes", async () => {
    let called = false;
    const h = route({ access: "public", body: { schema: z.unknown(), maxBytes: 8 << 20 } }, async () => {
      called = true;
      return { ok: true };
    });
    // 2M zeros in 4 MB: within the bytes, past MAX_JSON_VALUES (the attack on POST /api/jobs/from-export).
    const zeros = await h(get("http://app.test/x", { method: "POST", body: `{"Args": [${"0,".repeat(2_000_000)}0]}` }), seg());
    expect(zeros.status).toBe(413);
    expect((await zeros.json()).error).toMatch(/^body: Args: holds more than 1,000,000 values/);
    const deep = await h(get("http://app.test/x", { method: "POST", body: "[".repeat(20_000) + "]".repeat(20_000) }), seg());
    expect(deep.status).toBe(400);
    expect((await deep.json()).error).toMatch(/^body: .*deeper than/);
    expect(called).toBe(false);
  });

  it("answers a database outage with 503 and Retry-After, on every route", async () => {
    const h = route({ access: "public" }, async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    });
    const res = await h(get(), seg());
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await res.json()).code).toBe("Unavailable");
  });

  it("lets a bug through as a bug (Next answers 500), never as a user's mistake", async () => {
    const h = route({ access: "public" }, async () => {
      throw new TypeError("boom");
    });
    await expect(h(get(), seg())).rejects.toThrow("boom");
  });

  it("answers plain text for the agent protocol", async () => {
    const h = route({ access: "public", errors: "text" }, async () => {
      throw conflict("job is aborted");
    });
    const res = await h(get(), seg());
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("job is aborted");
  });

  it("turns away a cross-site write before the handler runs", async () => {
    let ran = false;
    const h = route({ access: "public" }, async () => {
      ran = true;
      return {};
    });
    const res = await h(get("http://app.test/x", { method: "POST", headers: { origin: "http://evil.test", host: "app.test" } }), seg());
    expect(res.status).toBe(403);
    expect(ran).toBe(false);
  });

  it("keeps extra fields and headers of an error", async () => {
    const e = tooLarge("too big", { errors: [{ file: "a", reason: "too big" }] });
    expect(e).toBeInstanceOf(HttpError);
    expect(e.status).toBe(ERROR_STATUS.TooLarge);
    const res = await route({ access: "public" }, async () => {
      throw e;
    })(get(), seg());
    expect(await res.json()).toEqual({ error: "too big", code: "TooLarge", errors: [{ file: "a", reason: "too big" }] });
  });

  it("checks the Host itself, before anything else, for a route proxy.ts skips (outsideProxy)", async () => {
    let ran = false;
    const h = route({ access: "operator", outsideProxy: true }, async () => {
      ran = true;
      return {};
    });
    const foreign = await h(get("http://rebind.evil.test/x", { method: "POST", headers: { host: "rebind.evil.test" } }), seg());
    expect(foreign.status).toBe(421);
    expect((await foreign.json()).error).toMatch(/^misdirected request: this app does not answer to the host "rebind.evil.test"/);
    // This app's own host goes on to the usual checks: here, no session.
    const own = await h(get("http://127.0.0.1:3000/x", { method: "POST", headers: { host: "127.0.0.1:3000" } }), seg());
    expect(own.status).toBe(401);
    expect(ran).toBe(false);
  });

  it("answers the other methods of a POST-only route outside proxy.ts: Host first, then 405 with Allow, OPTIONS 204", async () => {
    const text = postOnly("text");
    const json = postOnly();
    const at = (method: string, host: string) => new Request(`http://${host}/api`, { method, headers: { host } });
    for (const method of ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"] as const) {
      const foreign = await text[method](at(method, "rebind.evil.test"));
      expect(foreign.status, method).toBe(421);
      expect(await foreign.text(), method).toMatch(/^misdirected request/);
    }
    const get = await text.GET(at("GET", "127.0.0.1:3000"));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(await get.text()).toBe("method GET not allowed here: this route takes POST");
    const del = await json.DELETE(at("DELETE", "localhost:3000"));
    expect(del.status).toBe(405);
    expect(await del.json()).toEqual({ error: "method DELETE not allowed here: this route takes POST", code: "MethodNotAllowed" });
    const options = await json.OPTIONS(at("OPTIONS", "localhost:3000"));
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("OPTIONS, POST");
  });
});
