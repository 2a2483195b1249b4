// OTLP attribute values (common.proto AnyValue) as plain JSON values and back, and the reader the conventions use: it
// remembers which attributes and events a mapping read, so everything no mapping read is kept (Span.Extra).
import type { AnyValue, KeyValue } from "./wire";
import { getOwn, setOwn } from "@/lib/text/own-key";

/** An AnyValue as JSON: strings, booleans, numbers (64-bit integers past 2^53 as their decimal text), arrays, objects. */
export function fromAnyValue(v: AnyValue | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) return typeof v.doubleValue === "number" ? v.doubleValue : String(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(fromAnyValue);
  if (v.kvlistValue !== undefined) return attributeObject(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return { bytes: v.bytesValue };
  return null;
}

/** A JSON value as an AnyValue (integers as intValue, other numbers as doubleValue, objects as kvlistValue). */
export function toAnyValue(v: unknown): AnyValue {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
  if (v && typeof v === "object") return { kvlistValue: { values: toAttributes(v as Record<string, unknown>) } };
  return {};
}

/** Attributes as an object, in the order sent (a key sent twice: the last value, as the spec's "last one wins"). */
export function attributeObject(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) setOwn(out, kv.key, fromAnyValue(kv.value));
  return out;
}

/** An object as attributes; undefined values are left out. */
export function toAttributes(o: Record<string, unknown>): KeyValue[] {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([key, v]) => ({ key, value: toAnyValue(v) }));
}

/** A JSON text value parsed (the conventions carry messages and tool arguments as JSON strings); other text as is. */
export function parseMaybeJson(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!/^[[{"]/.test(t)) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/** An event as the conventions see it. */
export interface SpanEvent {
  name: string;
  timeUnixNano?: string | number;
  attributes: Record<string, unknown>;
}

/**
 * The attributes and events of one span, with a note of what was read. A convention reads what it maps; whatever is
 * left unread (`unreadAttributes`, `unreadEvents`) is kept under the span as it came.
 */
export class SpanReader {
  private readonly read = new Set<string>();
  private readonly readEvents = new Set<number>();

  constructor(
    readonly attributes: Record<string, unknown>,
    readonly events: SpanEvent[],
  ) {}

  /** True when the attribute was sent (reading nothing). */
  has(key: string): boolean {
    return Object.hasOwn(this.attributes, key);
  }

  /** Peeks at a value without marking it read (to decide which convention a span follows). */
  peek(key: string): unknown {
    return this.attributes[key];
  }

  /** The value, marked read; undefined when absent. */
  take(key: string): unknown {
    if (!this.has(key)) return undefined;
    this.read.add(key);
    return this.attributes[key];
  }

  /** A text value (numbers and booleans as text), marked read. */
  text(key: string): string | undefined {
    const v = this.take(key);
    if (v === undefined || v === null) return undefined;
    return typeof v === "string" ? v : JSON.stringify(v);
  }

  /** A non-negative integer (a token count), marked read only when it is one. */
  count(key: string): number | undefined {
    const v = this.peek(key);
    const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return undefined;
    this.take(key);
    return n;
  }

  /** The first of several keys that is present, marked read. */
  first(...keys: string[]): unknown {
    for (const k of keys) if (this.has(k)) return this.take(k);
    return undefined;
  }

  /** Every attribute under `prefix` ("llm.input_messages."), marked read, as [rest of key, value]. */
  takePrefix(prefix: string): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const [k, v] of Object.entries(this.attributes)) {
      if (k.startsWith(prefix)) {
        this.read.add(k);
        out.push([k.slice(prefix.length), v]);
      }
    }
    return out;
  }

  /** Events whose name passes `match`, marked read. */
  takeEvents(match: (name: string) => boolean): SpanEvent[] {
    const out: SpanEvent[] = [];
    this.events.forEach((e, i) => {
      if (!this.readEvents.has(i) && match(e.name)) {
        this.readEvents.add(i);
        out.push(e);
      }
    });
    return out;
  }

  unreadAttributes(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.attributes)) if (!this.read.has(k)) setOwn(out, k, v);
    return out;
  }

  unreadEvents(): SpanEvent[] {
    return this.events.filter((_, i) => !this.readEvents.has(i));
  }
}

/**
 * Nested parts of flattened attributes ("0.message.role" → [0].message.role): OpenInference and older GenAI
 * instrumentations spread lists over indexed keys. Returns the list, by index.
 */
export function unflatten(entries: [string, unknown][]): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = [];
  for (const [key, value] of entries) {
    const parts = key.split(".");
    let node: Record<string, unknown> | unknown[] = list;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const last = i === parts.length - 1;
      const index = /^\d+$/.test(p) ? Number(p) : p;
      const container = node as Record<string | number, unknown>;
      // Own keys only: "0.__proto__.x" is a key named "__proto__", never a way to Object.prototype.
      if (last) {
        setOwn(container, index, value);
      } else {
        if (getOwn(container, index) == null) setOwn(container, index, /^\d+$/.test(parts[i + 1]!) ? [] : {});
        node = container[index] as Record<string, unknown> | unknown[];
      }
    }
  }
  return list.filter(Boolean);
}
