// The reader of Go-printed values (the dashboard's job page prints span Args/Results with fmt.Sprint): every value
// kind read back, and every text the printing makes ambiguous kept as text. Printed forms are the ones section 7 of
// the upstream spec verified with go1.19 (fmt %v of map[string]any, []any, json.Number, bool, nil).
import { describe, expect, it } from "vitest";
import { goSprint, readDisplayValue, readGoPrinted } from "@/lib/import/go-printed";
import { keepPrinted, printedText } from "@/lib/trajectory/printed";

const read = (text: string) => {
  const r = readGoPrinted(text);
  if (!r.ok) throw new Error(`no reading of ${text}: ${r.reason}`);
  return r.value;
};
const reason = (text: string) => {
  const r = readGoPrinted(text);
  if (r.ok) throw new Error(`${text} was read as ${JSON.stringify(r.value)}`);
  return r.reason;
};

describe("reading Go-printed values", () => {
  it.each([
    ["map[OutBar:142 TmpFuncOutput:func-output]", { OutBar: 142, TmpFuncOutput: "func-output" }],
    ["map[ArgBar:100 ArgFoo:arg-foo]", { ArgBar: 100, ArgFoo: "arg-foo" }],
    ["map[]", {}],
    ["[]", []],
    ["[a]", ["a"]],
    ["map[FocusSymbols:[ext4_write]]", { FocusSymbols: ["ext4_write"] }],
    ["true", true],
    ["false", false],
    ["<nil>", null],
    ["map[Cond:<nil>]", { Cond: null }],
    ["map[Cond:false]", { Cond: false }],
    ["map[A:-1.5 B:0 C:1e+4 D:2.5e-07 E:0.000123]", { A: -1.5, B: 0, C: 10000, D: 2.5e-7, E: 0.000123 }],
    ["map[e:map[] n:[[1] map[x:1]] s:[] z:map[a:<nil> k:v]]", { e: {}, n: [[1], { x: 1 }], s: [], z: { a: null, k: "v" } }],
    [
      "[map[Email:a@b.org Name:Ann To:true] map[Email:c@d.org Name:Cy To:false]]",
      [
        { Email: "a@b.org", Name: "Ann", To: true },
        { Email: "c@d.org", Name: "Cy", To: false },
      ],
    ],
    // An empty string is a map value followed by a space or "]".
    ["map[emptystr: str:x]", { emptystr: "", str: "x" }],
    ["map[A:]", { A: "" }],
    // Values may hold colons: only the first colon of an entry ends its key.
    ["map[URL:https://lore.kernel.org/all/x@y/ Z:1]", { URL: "https://lore.kernel.org/all/x@y/", Z: 1 }],
    // Keys sort byte-wise in Go (fmtsort): upper case before lower, digits before letters, "10" before "9".
    ["map[10:4 9:5 B:1 _:3 a:2]", { "10": 4, "9": 5, B: 1, _: 3, a: 2 }],
    ["map[é:1]", { é: 1 }],
    ["map[__proto__:x]", JSON.parse('{"__proto__":"x"}')],
  ])("%s", (text, value) => {
    expect(read(text)).toEqual(value);
  });

  it("keeps own keys named __proto__ as data", () => {
    const v = read("map[__proto__:x]") as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it("reads back what goSprint prints, for every value kind", () => {
    const values = [
      { ArgBar: 100, ArgFoo: "arg-foo", L: ["x"], M: { a: null, b: true, c: [] }, N: -0.25, O: {} },
      [[1], [false], [null], [], {}, [[]]],
      { Recipients: [{ Email: "x@y.org", Name: "X", To: true }], Fixes: { Hash: "abc123" }, ReviewedBy: [] },
    ];
    for (const v of values) expect(read(goSprint(v))).toEqual(v);
  });

  it.each([
    // A string with a space: the word after it is no "key:value" entry.
    ["map[Expression:static int PathPrefix:fs]", /not "key:value"/],
    ["map[Contents:a b]", /not "key:value"/],
    // A string with a line break or tab is no word.
    ["map[Out:a\nb]", /whitespace/],
    // Keys out of Go's order: some key or value held a space or colon.
    ["map[B:1 A:2]", /sorted order/],
    ["map[A:1 A:2]", /sorted order/],
    // Brackets inside a word, and unbalanced brackets.
    ["map[A:x[1]]", /bracket/],
    ["map[A:1", /not closed/],
    ["[map[a:1]", /not closed/],
    ["map[A:1]]", /text after/],
    // Lists of several plain values: ["a b", "c"] prints like ["a", "b", "c"] (spec section 7).
    ["[a b c]", /several elements/],
    ["map[CodeItems:[take i_rwsem around the read] NeedNewVersion:true]", /several elements/],
    ["[1 2]", /several elements/],
    ["[map[a:1] x]", /several elements/],
    // Empty list elements ([]any{"a", ""} prints "[a ]"), an empty key, a double space.
    ["[a ]", /empty list element/],
    ["[ a]", /empty list element/],
    ["map[:x]", /not "key:value"/],
    ["map[A:1  B:2]", /not "key:value"/],
    // Numbers a JavaScript number does not hold exactly stay text.
    ["map[Big:12345678901234567890]", /more digits/],
    ["map[Huge:1e400]", /more digits/],
    // Top-level text with spaces (a string value printed by %v).
    ["two words", /whitespace/],
  ])("keeps %j as text (%s)", (text, why) => {
    expect(reason(text)).toMatch(why);
  });

  it('reads scalars spelled like typed values as those values (documented: a string "true" prints the same)', () => {
    expect(read("map[A:true B:142 C:<nil>]")).toEqual({ A: true, B: 142, C: null });
    // Texts that are not JSON numbers stay strings.
    expect(read("map[A:0x42 B:007 C:1. D:+Inf E:NaN]")).toEqual({ A: "0x42", B: "007", C: "1.", D: "+Inf", E: "NaN" });
  });

  it("refuses nesting deeper than the JSON depth limit instead of overflowing the stack", () => {
    expect(reason("map[a:".repeat(100_000) + "1" + "]".repeat(100_000))).toMatch(/deeper/);
  });

  it("reads a long list of maps in linear time", () => {
    // A check of every element per element was quadratic: 20 s of the app's thread for a 900 KB job page.
    const started = performance.now();
    expect(reason(`[${"map[a:1] ".repeat(100_000)}x]`)).toMatch(/plain value at character 900002/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe("goSprint prints the way fmt.Sprint prints a json.Number-decoded value", () => {
  it.each([
    [{ b: 1, a: "x y", c: null }, "map[a:x y b:1 c:<nil>]"],
    [{ e: {}, s: [], n: [1, "two words", true, null, { x: 1 }] }, "map[e:map[] n:[1 two words true <nil> map[x:1]] s:[]]"],
    [["a b", "c"], "[a b c]"],
    [{ "9": 1, "10": 2, a: 3, B: 4 }, "map[10:2 9:1 B:4 a:3]"],
    [{}, "map[]"],
    [null, "<nil>"],
    [142, "142"],
    [1.5e6, "1500000"],
  ])("%j → %s", (value, text) => {
    expect(goSprint(value)).toBe(text);
  });
});

describe("display values: JSON, Go-printed text, or the text kept", () => {
  it("parses the standalone report's 2-space JSON exactly", () => {
    expect(readDisplayValue('{\n  "A": "two words",\n  "B": [\n    1\n  ]\n}')).toEqual({
      value: { A: "two words", B: [1] },
      printed: false,
    });
    expect(readDisplayValue("null")).toEqual({ value: undefined, printed: false });
    expect(readDisplayValue("")).toEqual({ value: undefined, printed: false });
  });

  it("reads Go-printed text, and keeps text with no single reading in a marker", () => {
    expect(readDisplayValue("map[A:1 B:x]")).toEqual({ value: { A: 1, B: "x" }, printed: true });
    const kept = readDisplayValue("map[Expression:static int PathPrefix:fs]");
    expect(kept).toEqual({ value: { $printed: "map[Expression:static int PathPrefix:fs]" }, printed: true });
    expect(printedText(kept.value)).toBe("map[Expression:static int PathPrefix:fs]");
  });

  it("recognises only the exact marker shape", () => {
    expect(printedText(keepPrinted("x"))).toBe("x");
    expect(printedText({ $printed: "x", other: 1 })).toBeNull();
    expect(printedText({ $printed: 1 })).toBeNull();
    expect(printedText("map[]")).toBeNull();
  });
});
