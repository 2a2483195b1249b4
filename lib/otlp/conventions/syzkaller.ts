// This viewer's own attribute, written by its OTLP export (lib/otlp/export.ts) for span types no convention has a
// word for (loop, iteration, agent-candidates, …), so an exported run imported again has the same trajectory.
import type { SpanReader } from "../attributes";
import type { Mapped } from "./types";

export const SPAN_TYPE_ATTRIBUTE = "syzkaller.span.type";

/** Applies the span type the export recorded, after the convention that read the rest. */
export function mapSyzkaller(r: SpanReader, out: Mapped): void {
  const type = r.text(SPAN_TYPE_ATTRIBUTE);
  if (type) out.Type = type;
}
