// The one error type importers throw: it names the file and says what is wrong in words a user can act on.
import { parseJson } from "@/lib/trajectory/raw-json";
import { describeProblem } from "@/lib/trajectory/storable";
import { IMPORT_MAX_JSON_VALUES, MAX_JSON_VALUES } from "@/lib/limits";

export class ImportError extends Error {
  /** the file name as the user gave it */
  readonly file: string;
  /** the problem alone, without the file name */
  readonly reason: string;
  /** TooLarge when a limit was passed (413), else BadRequest (400) */
  readonly code: "BadRequest" | "TooLarge";

  constructor(file: string, reason: string, code: "BadRequest" | "TooLarge" = "BadRequest") {
    super(`${file}: ${reason}`);
    this.name = "ImportError";
    this.file = file;
    this.reason = reason;
    this.code = code;
  }
}

/** Position in text as "line L, column C" (1-based), for pointing at syntax errors. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * V8's JSON.parse reason without the excerpt of the input it may quote: `Unexpected token 'x', "{x: 1}" is not valid
 * JSON` → `Unexpected token 'x'`; `… in JSON at position 5 (line 1 column 6)` → `…`. With indexOf, not a regex: the
 * excerpt is the user's text, and /, "[\s\S]*" is not valid JSON$/ backtracks quadratically on it.
 */
function shortReason(msg: string): string {
  let s = msg;
  const quoted = s.endsWith('" is not valid JSON') ? s.indexOf(', "') : -1;
  if (quoted >= 0) s = s.slice(0, quoted);
  const at = s.indexOf(" in JSON at position ");
  return at >= 0 ? s.slice(0, at) : s;
}

/**
 * JSON.parse with an ImportError that says where the syntax breaks. Through lib/trajectory/raw-json.ts, so span
 * Args/Results keep their source text; nesting is left to the per-span check, which names the span and field. Throws
 * ImportError TooLarge past IMPORT_MAX_JSON_VALUES, MAX_JSON_VALUES in one Args/Results or MAX_JSON_KEYS_PER_OBJECT.
 */
export function parseJsonOrThrow(file: string, text: string, what = "not valid JSON"): unknown {
  // Counts are bounded here, before anything is built (a file of 1 MB may hold 500,000 values): per file, per object
  // and per span's Args or Results.
  const parsed = parseJson(text, {
    maxDepth: Infinity,
    maxValues: IMPORT_MAX_JSON_VALUES,
    maxFieldValues: MAX_JSON_VALUES,
    per: "per file",
  });
  if (parsed.ok) return parsed.value;
  if (!parsed.syntax) throw new ImportError(file, describeProblem(parsed.problem), parsed.tooLarge ? "TooLarge" : "BadRequest");
  const msg = parsed.problem.reason;
  const m = /at position (\d+)/.exec(msg);
  // V8 quotes a long excerpt of the input in some messages; keep the reason short.
  const short = shortReason(msg);
  const where = m ? ` at ${lineColumn(text, Number(m[1]))}` : "";
  throw new ImportError(file, `${what}${where} (${short})`);
}
