// A span value kept as the text the dashboard printed, because that text does not allow one reading
// (lib/import/go-printed.ts says when): part of the data contract, so that every page shows it as text, marked.

/** Key of the marker object that holds a printed text kept as it is: `{ "$printed": "map[…]" }`. */
export const PRINTED_KEY = "$printed";

/**
 * A value the dashboard printed and no reading was made of. Upstream Args/Results are maps whose keys are Go field
 * names, which cannot start with "$", so this object never collides with a real value.
 */
export type PrintedValue = { [PRINTED_KEY]: string };

export function keepPrinted(text: string): PrintedValue {
  return { [PRINTED_KEY]: text };
}

/** The kept text when `v` is a printed-value marker, else null. */
export function printedText(v: unknown): string | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const keys = Object.keys(v);
  const text = (v as Record<string, unknown>)[PRINTED_KEY];
  return keys.length === 1 && typeof text === "string" ? text : null;
}
