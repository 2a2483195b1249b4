// Payload JSON (a span's Args and Results) kept in the shape the agent wrote it: object keys in their order, integer-like
// keys in place ("10" after "b" stays after "b"; a JS object would move it first) and number text as written (a big
// integer keeps its digits). Parsed with jsonc-parser (VS Code's JSON parser: a tree of nodes in source order with each
// node's offsets, so a number's own text is at hand), then written back, cut or walked by path here.
import { parseTree, type Node, type ParseError } from "jsonc-parser";

/** A JSON value as written: objects are ordered entries, numbers keep their text. */
export type JsonNode =
  | { kind: "object"; entries: [string, JsonNode][] }
  | { kind: "array"; items: JsonNode[] }
  | { kind: "string"; value: string }
  | { kind: "number"; raw: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" };

/** Text that is not JSON where JSON was stored (it is shown as text, never guessed at). */
export class JsonTextError extends Error {}

function fromTree(n: Node, text: string): JsonNode {
  switch (n.type) {
    case "object":
      return {
        kind: "object",
        entries: (n.children ?? []).map((p) => [
          String(p.children![0]!.value),
          p.children![1] ? fromTree(p.children![1], text) : { kind: "null" },
        ]),
      };
    case "array":
      return { kind: "array", items: (n.children ?? []).map((c) => fromTree(c, text)) };
    case "string":
      return { kind: "string", value: String(n.value) };
    case "number":
      return { kind: "number", raw: text.slice(n.offset, n.offset + n.length) };
    case "boolean":
      return { kind: "boolean", value: Boolean(n.value) };
    default:
      return { kind: "null" };
  }
}

/** Parses JSON text into an ordered tree; throws JsonTextError for text that is not strict JSON. */
export function parseJsonText(text: string): JsonNode {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (!tree || errors.length) throw new JsonTextError(`not JSON (error at character ${errors[0]?.offset ?? 0})`);
  return fromTree(tree, text);
}

/** A plain JS value (parsed elsewhere, e.g. a job's Args) as a tree; key order is whatever the object has. */
export function jsonNodeOf(value: unknown): JsonNode {
  if (value === null || value === undefined) return { kind: "null" };
  if (typeof value === "string") return { kind: "string", value };
  if (typeof value === "number" || typeof value === "bigint") return { kind: "number", raw: String(value) };
  if (typeof value === "boolean") return { kind: "boolean", value };
  if (Array.isArray(value)) return { kind: "array", items: value.map(jsonNodeOf) };
  if (typeof value === "object") return { kind: "object", entries: Object.entries(value).map(([k, v]) => [k, jsonNodeOf(v)]) };
  return { kind: "null" };
}

/** The tree with every object's keys sorted (by UTF-16 code units), arrays kept in order: a canonical form. */
export function sortKeys(node: JsonNode): JsonNode {
  if (node.kind === "array") return { kind: "array", items: node.items.map(sortKeys) };
  if (node.kind !== "object") return node;
  const entries = node.entries.map(([k, v]): [string, JsonNode] => [k, sortKeys(v)]);
  return { kind: "object", entries: entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)) };
}

/** JSON text of a tree, keys in order and numbers as written; `indent` spaces per level (0: compact). */
export function stringifyJson(node: JsonNode, indent = 2): string {
  const nl = indent ? "\n" : "";
  const colon = indent ? ": " : ":";
  const write = (n: JsonNode, pad: string): string => {
    const inner = pad + " ".repeat(indent);
    switch (n.kind) {
      case "object":
        if (!n.entries.length) return "{}";
        return `{${nl}${n.entries.map(([k, v]) => `${inner}${JSON.stringify(k)}${colon}${write(v, inner)}`).join(`,${nl}`)}${nl}${pad}}`;
      case "array":
        if (!n.items.length) return "[]";
        return `[${nl}${n.items.map((v) => inner + write(v, inner)).join(`,${nl}`)}${nl}${pad}]`;
      case "string":
        return JSON.stringify(n.value);
      case "number":
        return n.raw;
      case "boolean":
        return String(n.value);
      default:
        return "null";
    }
  };
  return write(node, "");
}

// ---- Paths: "Results.PatchDiff", "Args.Files[2]", "Args[\"a.b\"]" (a key that is no plain name is quoted).

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** The path of a member: `Args.Expression`, or `Args["a.b"]` when the key is no plain name. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (PLAIN_KEY.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** The steps of a path childPath wrote (first the field name); null when it is no such path. */
export function parsePath(path: string): (string | number)[] | null {
  const steps: (string | number)[] = [];
  const re = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let pos = 0;
  while (pos < path.length) {
    re.lastIndex = pos;
    const m = re.exec(path);
    if (!m || (pos === 0 && path[0] === ".")) return null;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else {
      try {
        steps.push(JSON.parse(m[3]!) as string);
      } catch {
        return null;
      }
    }
    pos = re.lastIndex;
  }
  return steps.length ? steps : null;
}

/** The node at the steps below `node` (an object's first entry of that key), or undefined. */
export function nodeAt(node: JsonNode, steps: readonly (string | number)[]): JsonNode | undefined {
  let n: JsonNode | undefined = node;
  for (const step of steps) {
    if (!n) return undefined;
    if (typeof step === "number") n = n.kind === "array" ? n.items[step] : undefined;
    else n = n.kind === "object" ? n.entries.find(([k]) => k === step)?.[1] : undefined;
  }
  return n;
}

/** Where a long string was cut: its path (childPath) and full length in UTF-16 units. */
export interface Cut {
  path: string;
  length: number;
}

/** The tree with every string longer than `limit` cut to `limit`, each cut listed (path from `root`). */
export function cutLongStrings(node: JsonNode, root: string, limit: number, cuts: Cut[]): JsonNode {
  switch (node.kind) {
    case "string":
      if (node.value.length <= limit) return node;
      cuts.push({ path: root, length: node.value.length });
      return { kind: "string", value: node.value.slice(0, limit) };
    case "array":
      return { kind: "array", items: node.items.map((v, i) => cutLongStrings(v, childPath(root, i), limit, cuts)) };
    case "object":
      return { kind: "object", entries: node.entries.map(([k, v]) => [k, cutLongStrings(v, childPath(root, k), limit, cuts)]) };
    default:
      return node;
  }
}
