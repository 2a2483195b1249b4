// Payload JSON in the agent's shape: key order (integer-like keys too), number text, paths to values.
import { describe, expect, it } from "vitest";
import { childPath, JsonTextError, nodeAt, parseJsonText, parsePath, stringifyJson } from "@/lib/text/json";

describe("parseJsonText / stringifyJson", () => {
  it("keeps keys in the order written, integer-like keys in place, and every digit of a number", () => {
    const text = '{"b":1,"10":2,"a":[3,{"2":true,"1":null}],"big":123456789012345678901234567890,"f":1.50e3,"neg":-0}';
    const node = parseJsonText(text);
    expect(node.kind === "object" && node.entries.map(([k]) => k)).toEqual(["b", "10", "a", "big", "f", "neg"]);
    expect(stringifyJson(node, 0)).toBe(text);
    expect(stringifyJson(node, 2)).toContain('"big": 123456789012345678901234567890');
    // what a JS object would do instead:
    expect(Object.keys(JSON.parse(text) as object)[0]).toBe("10");
  });

  it("decodes strings and writes them back escaped", () => {
    const node = parseJsonText('{"s":"line\\n\\"q\\" \\u001b[1m"}');
    expect(nodeAt(node, ["s"])).toEqual({ kind: "string", value: 'line\n"q" \u001b[1m' });
    expect(stringifyJson(node, 0)).toBe('{"s":"line\\n\\"q\\" \\u001b[1m"}');
  });

  it("refuses text that is not strict JSON", () => {
    expect(() => parseJsonText("{a:1}")).toThrow(JsonTextError);
    expect(() => parseJsonText('{"a":1,}')).toThrow(JsonTextError);
    expect(() => parseJsonText("")).toThrow(JsonTextError);
  });
});

describe("paths", () => {
  it("writes and reads back every kind of key", () => {
    const keys: (string | number)[] = ["Args", "Expression", 3, "a.b", "10", "", 'q"uote', "set-results"];
    let path = "";
    for (const k of keys) path = childPath(path, k);
    expect(path).toBe('Args.Expression[3]["a.b"]["10"][""]["q\\"uote"].set-results');
    expect(parsePath(path)).toEqual(keys);
    expect(parsePath("Args..x")).toBeNull();
    expect(parsePath("")).toBeNull();
  });
});
