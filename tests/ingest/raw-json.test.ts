// The source text of Args/Results kept through parsing (lib/trajectory/raw-json.ts): what spans store and export.
import { describe, expect, it } from "vitest";
import { jsonText, parseJson } from "@/lib/trajectory/raw-json";
import { makeStorable } from "@/lib/trajectory/storable";

function parsed(text: string): unknown {
  const r = parseJson(text);
  if (!r.ok) throw new Error(r.problem.reason);
  return r.value;
}

describe("parseJson", () => {
  it("keeps Args and Results as written: integer-like keys in their order, big integers, number text, spacing", () => {
    const args = `{"b": 1, "10":"x","9" :[1.50, 1e3],"big":123456789012345678901234567890}`;
    const v = parsed(`{"AgentName":"a","Span":{"Seq":1,"Args":${args},"Results":{}}}`) as { Span: { Args: object; Results: object } };
    expect(Object.keys(v.Span.Args)).toEqual(["9", "10", "b", "big"]); // what JavaScript makes of it
    expect(jsonText(v.Span.Args)).toBe(args); // what is stored
    expect(jsonText(v.Span.Results)).toBe("{}");
  });

  it("finds the spans of a file and the last of duplicate keys, as JSON.parse keeps it", () => {
    const v = parsed(`[{"Seq":0,"Args":{"a":1}},{"Seq":1,"Args":{"x":"\\"}\\\\"},"Args":{"y":2 }}]`) as { Args: object }[];
    expect(jsonText(v[0]!.Args)).toBe(`{"a":1}`);
    expect(jsonText(v[1]!.Args)).toBe(`{"y":2 }`);
  });

  it("values it did not parse are serialized; null and absent are null", () => {
    expect(jsonText({ b: 1, a: 2 })).toBe(`{"b":1,"a":2}`);
    expect(jsonText(null)).toBeNull();
    expect(jsonText(undefined)).toBeNull();
  });

  it("refuses nesting past the cap while scanning, naming the path as makeStorable does", () => {
    const deep = `{"Span":{"Args":${"[".repeat(200)}${"]".repeat(200)}}}`;
    const r = parseJson(deep, 100);
    expect(r).toMatchObject({ ok: false, syntax: false });
    const viaValue = makeStorable(JSON.parse(deep), "", 100);
    expect(viaValue.ok).toBe(false);
    if (!r.ok && !viaValue.ok) expect(r.problem).toEqual(viaValue.problem);
  });

  it("reports syntax errors", () => {
    expect(parseJson(`{"a":`)).toMatchObject({ ok: false, syntax: true });
  });
});

describe("kept text made storable", () => {
  const storableJsonText = (args: string) => jsonText((parsed(`{"Args":${args}}`) as { Args: object }).Args);
  it("replaces \\u0000 and lone surrogates as makeStorable does, and nothing else", () => {
    const text = `{"k\\u0000":["a\\u0000b","\\ud800","\\udc00x","\\ud83d\\ude00","\\\\u0000"]}`;
    const out = storableJsonText(text);
    expect(out).toBe(`{"k\\ufffd":["a\\ufffdb","\\ufffd","\\ufffdx","\\ud83d\\ude00","\\\\u0000"]}`);
    const fromValue = makeStorable(JSON.parse(text));
    expect(fromValue.ok && JSON.parse(out!)).toEqual(fromValue.ok && fromValue.value);
    expect(storableJsonText(`{"a":"\\n"}`)).toBe(`{"a":"\\n"}`);
  });
});
