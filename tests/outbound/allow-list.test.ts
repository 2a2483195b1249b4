// Integration on PostgreSQL: the outbound allow-list (lib/outbound) — entries, the private-address rule, the audit, and
// the refusal of an experiment or a rerun whose model endpoint is not allowed (400 naming the host). Name resolution
// is a stand-in resolver: this machine reaches no DNS, and what matters is which addresses a name gives.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { COMMAND_LINE } from "@/lib/audit/log";
import {
  allowOutbound,
  checkOutboundUrl,
  disallowOutbound,
  isPrivateAddress,
  listOutboundAllowed,
  outboundEntryText,
  parseOutboundEntry,
  type Resolver,
} from "@/lib/outbound/allow-list";
import { checkModelEndpoint } from "@/lib/outbound/model-endpoint";
import { startExperiment } from "@/lib/experiments/start";
import { rerunJob } from "@/lib/runs/rerun";
import { remoteFailure } from "@/lib/triage-agent/remote-error";
import { HttpError } from "@/lib/http/errors";
import { at, saveRun, uniqueWorkflow } from "../history/seed";

afterAll(disconnectDb);

const admin = { id: null, label: "admin@example.org" };
const dns: Record<string, string[]> = {
  "models.example.org": ["93.184.216.34"],
  "rebound.example.org": ["127.0.0.1"],
  "mixed.example.org": ["93.184.216.34", "10.0.0.7"],
};
const resolve: Resolver = async (host) => {
  const a = dns[host];
  if (!a) throw new Error(`ENOTFOUND ${host}`);
  return a;
};

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(HttpError);
  expect((e as HttpError).status).toBe(400);
  return (e as HttpError).message;
}

beforeEach(async () => {
  await db().appSetting.deleteMany({ where: { name: "outbound_allow" } });
});

describe("entries", () => {
  it("reads host:port in one written form and refuses anything else by name", () => {
    expect(parseOutboundEntry(" Models.Example.org:443 ")).toEqual({ host: "models.example.org", port: 443 });
    expect(parseOutboundEntry("[0:0:0:0:0:0:0:1]:8080")).toEqual({ host: "::1", port: 8080 });
    expect(outboundEntryText(parseOutboundEntry("[::1]:8080"))).toBe("[::1]:8080");
    for (const bad of ["models.example.org", "http://x:1", "x:0", "x:70000", "a b:1", "[zz]:1", ":80"])
      expect(() => parseOutboundEntry(bad)).toThrow(HttpError);
  });

  it("knows the addresses that are not on the public internet", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(a), a).toBe(false);
  });

  it("adds and removes entries, each change audited", async () => {
    await allowOutbound(db(), "models.example.org:443", admin);
    await allowOutbound(db(), "models.example.org:443", admin); // twice: listed once
    await allowOutbound(db(), "127.0.0.1:11434", admin);
    expect((await listOutboundAllowed(db())).map(outboundEntryText)).toEqual(["models.example.org:443", "127.0.0.1:11434"]);
    expect(await disallowOutbound(db(), "models.example.org:443", admin)).toBe(true);
    expect(await disallowOutbound(db(), "models.example.org:443", admin)).toBe(false);
    expect((await listOutboundAllowed(db())).map(outboundEntryText)).toEqual(["127.0.0.1:11434"]);
    const audit = await db().auditEvent.findMany({
      where: { target: "outbound_allow", actorLabel: admin.label },
      orderBy: { id: "desc" },
      take: 2,
    });
    expect(audit.map((a) => a.details)).toEqual([{ remove: "models.example.org:443" }, { remove: "models.example.org:443" }]);
  });
});

describe("checkOutboundUrl", () => {
  it("refuses what is not listed, naming the host and port; passes what is", async () => {
    expect(await refusal(checkOutboundUrl(db(), "http://127.0.0.1:47813/internal/x", "the model endpoint", resolve))).toBe(
      "the model endpoint 127.0.0.1:47813 is not on the outbound allow-list; an admin can allow it under Outbound requests at /admin",
    );
    await allowOutbound(db(), "models.example.org:443", admin);
    await checkOutboundUrl(db(), "https://models.example.org/v1", "the model endpoint", resolve);
    // Another port of a listed host is another entry.
    expect(await refusal(checkOutboundUrl(db(), "https://models.example.org:8443/v1", "the model endpoint", resolve))).toContain(
      "models.example.org:8443 is not on the outbound allow-list",
    );
    expect(await refusal(checkOutboundUrl(db(), "file:///etc/passwd", "the model endpoint", resolve))).toContain("http or https");
    expect(await refusal(checkOutboundUrl(db(), "https://u:p@models.example.org/v1", "the model endpoint", resolve))).toContain("password");
  });

  it("refuses a listed name that resolves to a private or loopback address unless that address is listed too", async () => {
    await allowOutbound(db(), "rebound.example.org:80", admin);
    await allowOutbound(db(), "mixed.example.org:80", admin);
    expect(await refusal(checkOutboundUrl(db(), "http://rebound.example.org/v1", "the model endpoint", resolve))).toContain(
      "rebound.example.org:80 resolves to 127.0.0.1, a private or loopback address",
    );
    expect(await refusal(checkOutboundUrl(db(), "http://mixed.example.org/v1", "the model endpoint", resolve))).toContain("10.0.0.7");
    await allowOutbound(db(), "127.0.0.1:80", admin);
    await checkOutboundUrl(db(), "http://rebound.example.org/v1", "the model endpoint", resolve);
    // An address written another way (hex, IPv4-mapped) is the same address.
    await checkOutboundUrl(db(), "http://0x7f.0.0.1/v1", "the model endpoint", resolve);
    expect(await refusal(checkOutboundUrl(db(), "http://[::ffff:127.0.0.2]/v1", "the model endpoint", resolve))).toContain(
      "is not on the outbound allow-list",
    );
  });
});

describe("experiments and reruns", () => {
  it("refuses to start an experiment whose model endpoint is not allowed, queueing nothing", async () => {
    const wf = uniqueWorkflow("outbound-exp");
    const run = await saveRun(wf, "orig", at(1));
    const setup = { kind: "builtin" as const, value: "openai-compatible:m@http://127.0.0.1:47813/internal/admin" };
    expect(await refusal(startExperiment(db(), { selection: { ids: [run.id] }, setup, name: "ssrf" }, admin))).toContain(
      "127.0.0.1:47813 is not on the outbound allow-list",
    );
    // A label the built-in agent would read as a spec is checked like one.
    expect(
      await refusal(
        startExperiment(db(), { selection: { ids: [run.id] }, setup: { kind: "label", value: setup.value }, name: "ssrf" }, admin),
      ),
    ).toContain("127.0.0.1:47813");
    expect(await db().job.count({ where: { rerunOfId: run.id } })).toBe(0);
    await checkModelEndpoint(db(), "google:gemini-3.1-pro-preview");
    await checkModelEndpoint(db(), "replay");
  });

  it("refuses a rerun of a run whose Args.AgentSetup names an endpoint not allowed", async () => {
    const wf = uniqueWorkflow("outbound-rerun");
    const run = await saveRun(wf, "orig", at(1));
    await db()
      .$executeRaw`UPDATE jobs SET args = json_build_object('AgentSetup', 'openai-compatible:m@http://169.254.169.254/latest') WHERE id = ${run.id}::uuid`;
    expect(await refusal(rerunJob(db(), run.id, COMMAND_LINE))).toContain("169.254.169.254:80 is not on the outbound allow-list");
    await allowOutbound(db(), "169.254.169.254:80", admin);
    expect((await rerunJob(db(), run.id, COMMAND_LINE)).created).toBe(true);
  });
});

describe("remoteFailure", () => {
  it("shows a status or 'could not reach', never the remote's text; the log gets the text, cut", () => {
    const http = Object.assign(new Error(`secret internal answer ${"x".repeat(1000)}`), { statusCode: 500 });
    const f = remoteFailure(http, "the model endpoint");
    expect(f.shown).toBe("the model endpoint answered HTTP 500 (its text is in the agent's log)");
    expect(f.detail.length).toBeLessThan(320);
    expect(f.detail).toMatch(/^secret internal answer x+… \[cut\]$/);
    expect(remoteFailure(new Error("connect ECONNREFUSED 127.0.0.1:47813"), "the model endpoint").shown).toBe(
      "could not reach the model endpoint (see the agent's log)",
    );
  });
});
