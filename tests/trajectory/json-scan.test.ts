// Reading a stored payload without parsing it (issue 21, finding 5): the scans give what the tree did, and a span of
// millions of elements is cut and read by path in one pass that holds the event loop briefly.
import { describe, expect, it } from "vitest";
import { cutLongStrings, nodeAt, parseJsonText, stringifyJson, type Cut } from "@/lib/text/json";
import { cutLongStringsInText, indentJsonText, valueRangeAt } from "@/lib/text/json-scan";
import { textAtPath, truncateSpan } from "@/lib/trajectory/truncate";
import { measureHold } from "@/lib/load/hold";

const SAMPLES = [
  '{"a":1,"b":[true,false,null,{"c":"x\\"y\\\\"}],"10":-1.5e+3,"big":12345678901234567890}',
  ' { "sp aced" : [ 1 , [ ] , { } , "é\\u00e9\\n" ] , "k" : { "z" : [ [ "deep" ] ] } } ',
  '["only","strings","\\ud83d\\ude00 emoji"]',
  '"a bare string"',
  "42",
  '{"dup":1,"dup":2}',
];

describe("payload scans agree with the tree", () => {
  it("indent as stringifyJson does, find values as nodeAt does, cut as cutLongStrings does", () => {
    for (const text of SAMPLES) {
      const tree = parseJsonText(text);
      expect(indentJsonText(text, 0, text.length, 2)).toBe(stringifyJson(tree, 2));
      for (const steps of [[], ["b", 3, "c"], ["k", "z", 0, 0], ["sp aced", 3], ["dup"], [1], [5], ["nope"], ["a", 0]]) {
        const at = valueRangeAt(text, steps);
        const node = nodeAt(tree, steps);
        if (!node) expect(at, JSON.stringify(steps)).toBeUndefined();
        else expect(stringifyJson(parseJsonText(text.slice(at!.start, at!.end)), 0), JSON.stringify(steps)).toBe(stringifyJson(node, 0));
      }
      for (const limit of [0, 1, 3, 100]) {
        const a: Cut[] = [];
        const b: Cut[] = [];
        const scanned = cutLongStringsInText(text, "Args", limit, a);
        const cutTree = cutLongStrings(tree, "Args", limit, b);
        expect(a).toEqual(b);
        expect(stringifyJson(parseJsonText(scanned), 0)).toBe(stringifyJson(cutTree, 0));
      }
    }
  });
});

describe("reading one span of millions of elements", () => {
  it("cuts and reads by path in one linear pass (no parse of the whole payload)", async () => {
    const long = "L".repeat(300_000);
    const args = `{"Files":[${"0,".repeat(3_900_000)}"${long}"],"Tail":"t"}`;
    const span = { Seq: 1, Nesting: 0, Type: "tool", Name: "t", Started: "2026-06-29T12:05:00Z" };
    const { result, cpuMs } = await measureHold(async () => truncateSpan(span, { Args: args }));
    expect(result.truncated).toEqual([{ path: "Args.Files[3900000]", length: 300_000 }]);
    expect(result.json.Args!.length).toBe(args.length - 100_000);
    // Before: the tree of 3.9M nodes held the event loop 3-3.4 s per GET (?path= 4.7-8.5 s); all of it is CPU.
    expect(cpuMs).toBeLessThan(1000);
    const byPath = await measureHold(async () => [
      textAtPath(span, { Args: args }, "Args.Files[3900000]"),
      textAtPath(span, { Args: args }, "Args.Tail"),
    ]);
    expect(byPath.result).toEqual([long, "t"]);
    expect(byPath.cpuMs).toBeLessThan(1000);
    // The whole Args is past INDENT_LIMIT: given as stored, a copy.
    expect(textAtPath(span, { Args: args }, "Args")).toBe(args);
  });
});
