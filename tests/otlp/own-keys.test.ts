// Attribute names are a producer's text: "__proto__" and "constructor" are names like any other, kept as sent, and a
// flattened path through them ("llm.input_messages.0.__proto__.x", OpenInference's spread lists) never reaches
// Object.prototype, which every object of the server process shares.
import { afterEach, describe, expect, it } from "vitest";
import { attributeObject, SpanReader, unflatten } from "@/lib/otlp/attributes";

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe("OTLP attribute names that are also JavaScript's", () => {
  it("a flattened path through __proto__ is a key named __proto__, and Object.prototype is untouched", () => {
    const list = unflatten([
      ["0.__proto__.polluted", "yes"],
      ["0.constructor.prototype.polluted", "yes"],
      ["0.message.role", "user"],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(list)).toBe(
      '[{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"message":{"role":"user"}}]',
    );
  });

  it("attributes named __proto__ are kept, read and left unread like any other", () => {
    const attributes = attributeObject([
      { key: "__proto__", value: { stringValue: "top" } },
      { key: "constructor", value: { kvlistValue: { values: [{ key: "__proto__", value: { intValue: "7" } }] } } },
    ]);
    const reader = new SpanReader(attributes, []);
    expect(JSON.stringify(reader.unreadAttributes())).toBe('{"__proto__":"top","constructor":{"__proto__":7}}');
    expect(reader.take("__proto__")).toBe("top");
    expect(JSON.stringify(reader.unreadAttributes())).toBe('{"constructor":{"__proto__":7}}');
  });
});
