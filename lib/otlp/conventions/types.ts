// What a convention maps one OTLP span to, and the shape of a convention.
import type { Span } from "@/lib/trajectory/span";
import type { SpanReader } from "../attributes";
import { splitInput, type Message } from "../messages";

/** A span's fields as a convention reads them (Seq and Nesting come from the trace's tree, times from the span). */
export type Mapped = Omit<Span, "Seq" | "Nesting" | "Started" | "Finished" | "Extra"> & {
  /** the workflow a run is named by when this span is its trace's root */
  workflow?: string;
};

/** One convention: whether a span follows it (without reading anything), and the mapping of what it reads. */
export interface Convention {
  name: string;
  matches(r: SpanReader, spanName: string): boolean;
  map(r: SpanReader, out: Mapped): void;
}

/** Output tokens without the reasoning tokens they include (GenAI and OpenInference count reasoning in output). */
export function setTokens(out: Mapped, input?: number, output?: number, reasoning?: number): void {
  if (input !== undefined) out.InputTokens = input;
  if (reasoning !== undefined && output !== undefined && reasoning <= output) {
    out.OutputTokens = output - reasoning;
    out.OutputThoughtsTokens = reasoning;
  } else {
    if (output !== undefined) out.OutputTokens = output;
    if (reasoning !== undefined) out.OutputThoughtsTokens = reasoning;
  }
}

/** Instruction (system messages) and Prompt (the rest) from input messages; absent parts leave the fields unset. */
export function setInput(out: Mapped, messages: Message[]): void {
  const { instruction, prompt } = splitInput(messages);
  if (instruction !== undefined) out.Instruction = instruction;
  if (prompt !== undefined) out.Prompt = prompt;
}
