// Shape 1: a trajectory file, a JSON array of spans as the engine writes them (often both copies of each span).
import type { ImportedRun } from "@/lib/trajectory/span";
import { deriveJob } from "./derive";
import { displaySpanToRaw, looksLikeDisplaySpan, type DisplayReadNotes } from "./display-span";
import { ImportError } from "./errors";
import { spansFromRaw } from "./merge";

/**
 * `data` is the parsed JSON. Arrays of display spans (a report's rawData saved as JSON) are
 * accepted too: they are recognised per element and converted first.
 */
export function parseTrajectoryFile(file: string, data: unknown): ImportedRun {
  if (!Array.isArray(data)) {
    throw new ImportError(file, "expected a JSON array of spans");
  }
  if (data.length === 0) throw new ImportError(file, "the span array is empty (no spans to import)");
  const notes: DisplayReadNotes = { printed: false };
  const raws = data.map((item, i) => (looksLikeDisplaySpan(item) ? displaySpanToRaw(file, item, i, notes) : item));
  const spans = spansFromRaw(file, raws);
  return { job: deriveJob(notes.printed ? { ValuesPrinted: true } : {}, spans), spans, source: "trajectory-file", minutePrecision: false };
}
