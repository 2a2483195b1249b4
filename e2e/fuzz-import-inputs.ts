// Generators of malformed POST /api/import requests (sent by the clients in ./fuzz-http).
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { RawRequest } from "./fuzz-http";
import {
  BAD_DATES,
  BAD_UTF8,
  big,
  caseRng,
  deepText,
  FIELD_MUTATIONS,
  type FieldMutation,
  insertAt,
  multipart,
  mutateField,
  prng,
  type Rng,
  serialize,
  SPAN_FIELDS,
  T0,
  T1,
  validSpan,
} from "./fuzz-mutations";

function trajectory(rng: Rng): Record<string, unknown>[] {
  const n = 2 + rng.int(3);
  return [
    {
      Seq: 0,
      Nesting: 0,
      Type: "flow",
      Name: "fuzz-flow",
      Started: T0,
      Finished: T1,
      Args: { KernelSrc: "/src" },
      Results: { WorthFuzzing: false, Reasoning: "r" },
    },
    ...Array.from({ length: n }, (_, i) => validSpan(i + 1)),
  ];
}

function jobPage(rng: Rng): Record<string, unknown> {
  return {
    Job: { ID: randomUUID(), Workflow: "fuzz-flow", Description: "d", Created: T0, Started: T0, Finished: T1 },
    Trajectory: trajectory(rng).map((s) => ({
      ...s,
      Args: JSON.stringify(s.Args ?? null),
      Results: JSON.stringify(s.Results ?? null),
      Duration: 5_000_000_000,
    })),
    Args: [{ Key: "KernelSrc", Value: "/src", Large: false }],
  };
}

const IMPORT_CATEGORIES = [
  "not-json",
  "truncated-json",
  "gzip-file",
  "invalid-utf8",
  "nul-byte",
  "empty",
  "wrong-shape",
  ...FIELD_MUTATIONS,
  "job-page",
  "html-report",
  "wrong-multipart",
  "all-or-nothing",
  "oversized",
] as const;

function importFile(category: string, what: string, content: Buffer, rng: Rng): RawRequest {
  // Half as a multipart file, half as the raw body (both are accepted forms).
  if (rng.bool()) {
    const m = multipart([{ name: "file", data: content, filename: `fuzz-${rng.int(1e6)}.json`, contentType: "application/json" }]);
    return { category, what, headers: { "content-type": m.contentType }, body: m.body };
  }
  return {
    category,
    what,
    headers: { "content-type": rng.pick(["application/json", "application/octet-stream", "text/plain"]) },
    body: content,
    query: "?name=fuzz.json",
  };
}

/** Case i of a run: a malformed POST /api/import request. */
export function importCase(seed: number, i: number): RawRequest {
  const rng = caseRng(seed, i);
  const category = i % 250 === 249 ? "oversized" : rng.pick(IMPORT_CATEGORIES.filter((c) => c !== "oversized"));
  const file = (what: string, content: string | Buffer) =>
    importFile(category, what, Buffer.isBuffer(content) ? content : Buffer.from(content), rng);
  switch (category) {
    case "not-json":
      return file(
        "text in no trajectory shape",
        rng.pick(["hello", "NaN", "{not json}", "[1,2,", "<html></html>", "0/0 garbage", rng.text(1 + rng.int(300)), '{"Trajectory": [}']),
      );
    case "truncated-json": {
      const text = JSON.stringify(rng.bool() ? trajectory(rng) : jobPage(rng));
      const n = 1 + rng.int(text.length - 2);
      return file(`JSON cut to ${n} of ${text.length} characters`, text.slice(0, n));
    }
    case "gzip-file": {
      const full = gzipSync(JSON.stringify(trajectory(rng)));
      return file("a gzip-compressed trajectory (or part of one)", rng.bool() ? full : full.subarray(0, 1 + rng.int(full.length - 1)));
    }
    case "invalid-utf8": {
      const text = JSON.stringify(trajectory(rng));
      const at = text.indexOf('"Name":"') + 8;
      const bad = rng.pick(BAD_UTF8);
      return file(
        `bytes ${bad.toString("hex")} in a span name`,
        Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at))]),
      );
    }
    case "nul-byte": {
      const text = JSON.stringify(trajectory(rng));
      return file("a raw NUL byte in the file", Buffer.from(insertAt(text, rng.int(text.length), "\u0000")));
    }
    case "empty":
      return file("empty or blank file", rng.pick(["", " ", "\n\n\t", "\ufeff", "\ufeff  "]));
    case "wrong-shape": {
      const v = rng.pick<unknown>([
        null,
        1,
        "s",
        true,
        {},
        { Job: {} },
        { trajectory: [] },
        [],
        [1, 2],
        [null],
        [[validSpan()]],
        ["span"],
        { Trajectory: 5 },
        { Trajectory: {} },
        { Trajectory: [1] },
      ]);
      return file(`JSON ${JSON.stringify(v)}`, JSON.stringify(v));
    }
    case "job-page": {
      const page = jobPage(rng);
      const job = page.Job as Record<string, unknown>;
      const k = rng.int(9);
      const edits: [string, () => void][] = [
        ["Job is a list", () => (page.Job = [])],
        ["Job.Created not a date", () => (job.Created = rng.pick(BAD_DATES.filter((d) => d.trim() !== "")))],
        ["Args not a list", () => (page.Args = { KernelSrc: "/src" })],
        ["Args item without Key", () => (page.Args = [{ Value: "x" }])],
        ["Job.Results keys that collide once NUL is replaced", () => (job.Results = { ["a\u0000"]: 1, ["a\ufffd"]: 2 })],
        ["Job.Workflow of 201 characters", () => (job.Workflow = "w".repeat(201))],
        // (Args that are not JSON text are kept as the dashboard printed them: not malformed.)
        ["span Started not RFC 3339", () => ((page.Trajectory as Record<string, unknown>[])[1]!.Started = "yesterday")],
        ["span Duration not a number", () => ((page.Trajectory as Record<string, unknown>[])[1]!.Duration = "soon")],
        ["Job.Results keys that collide once a lone surrogate is replaced", () => (job.Results = { ["\udc00"]: 1, ["\ufffd"]: 2 })],
      ];
      edits[k]![1]();
      return file(`job page: ${edits[k]![0]}`, JSON.stringify(page));
    }
    case "html-report": {
      const spans = JSON.stringify(trajectory(rng).map((s) => ({ ...s, Args: JSON.stringify(s.Args ?? null), Results: "" })));
      const k = rng.int(6);
      const bodies = [
        `<html><script>const rawData = ${spans.slice(0, spans.length / 2)}</script></html>`,
        `<html><script>const rawData = 5;</script></html>`,
        `<html><script>var other = [];</script></html>`,
        `<html><script>const rawData = ${deepText(2000)};</script></html>`,
        `<html><script>const rawData = [{Seq: 1, Nesting: 0, Type: "flow", Name: "x", Started: "last week"}];</script></html>`,
        `<html><script>const rawData = [{Seq: "one"}];</script></html>`,
      ];
      return file(
        `HTML report: ${["cut literal", "rawData not an array", "no rawData", "rawData 2,000 deep", "a span's Started not RFC 3339", "wrong Seq type"][k]}`,
        bodies[k]!,
      );
    }
    case "wrong-multipart": {
      const content = Buffer.from(JSON.stringify(trajectory(rng)).slice(0, -1)); // itself invalid, so any reading fails
      const m = multipart([{ name: "file", data: content, filename: "t.json" }]);
      const k = rng.int(6);
      const rq = (what: string, headers: Record<string, string>, body: Buffer): RawRequest => ({ category, what, headers, body });
      if (k === 0) return rq("no boundary", { "content-type": "multipart/form-data" }, m.body);
      if (k === 1) return rq("wrong boundary", { "content-type": "multipart/form-data; boundary=nope" }, m.body);
      if (k === 2)
        return rq("cut mid-part", { "content-type": m.contentType }, m.body.subarray(0, rng.int(m.body.length - m.boundary.length - 8)));
      if (k === 3) {
        const mm = multipart([{ name: "note", data: "no file here" }]);
        return rq("only a text field, no file", { "content-type": mm.contentType }, mm.body);
      }
      if (k === 4) {
        const mm = multipart(Array.from({ length: 101 }, (_, j) => ({ name: "file", data: "[]", filename: `f${j}.json` })));
        return rq("101 files", { "content-type": mm.contentType }, mm.body);
      }
      return rq("empty multipart body", { "content-type": m.contentType }, Buffer.alloc(0));
    }
    case "all-or-nothing": {
      // A good file next to a bad one: the good one must not be stored either.
      const good = JSON.stringify(trajectory(rng));
      const k = rng.int(2);
      // A second run under the first one's job ID with other content: refused (409) only when it is stored.
      const id = randomUUID();
      const page = (d: string) => JSON.stringify({ Job: { ID: id, Description: d, Workflow: "fuzz" }, Trajectory: null });
      const bad = k === 0 ? '[{"Seq": -1}]' : page("other");
      const first = k === 0 ? good : page("first");
      const mm = multipart([
        { name: "file", data: first, filename: "good.json" },
        { name: "file", data: bad, filename: "bad.json" },
      ]);
      return {
        category,
        what: k === 0 ? "a good file and a bad span" : "a run, then other content under its job ID",
        headers: { "content-type": mm.contentType },
        body: mm.body,
      };
    }
    case "oversized": {
      const k = rng.int(3);
      if (k === 0)
        return file(
          "a 51 MB file",
          big("51mb", () => Buffer.alloc(51 * 1024 * 1024, 0x20)),
        );
      const t = trajectory(prng(k));
      if (k === 1) {
        t[1] = { ...t[1], Prompt: "p".repeat(4 * 1024 * 1024), Reply: "r".repeat(4 * 1024 * 1024), Thoughts: "t".repeat(512 * 1024) };
        return file(
          "a span of 8.5 MB",
          big("span", () => Buffer.from(JSON.stringify(t))),
        );
      }
      t[1] = { ...t[1], Prompt: "p".repeat(4 * 1024 * 1024 + 1) };
      return file(
        "a Prompt one character over 4 MB",
        big("prompt", () => Buffer.from(JSON.stringify(t))),
      );
    }
    default: {
      const t = trajectory(rng);
      const idx = rng.int(t.length);
      const r = mutateField(rng, t[idx]!, SPAN_FIELDS, category as FieldMutation)!;
      return file(`span #${idx + 1}: ${r.what}`, serialize(t, r));
    }
  }
}
