// Shape 3: the standalone "AI Trajectory" HTML report, whose script holds the display spans as `const rawData = [...]`.
import type { ImportedRun } from "@/lib/trajectory/span";
import { deriveJob } from "./derive";
import { displaySpanToRaw, type DisplayReadNotes } from "./display-span";
import { ImportError, lineColumn } from "./errors";
import { findValueEnd, parseJsLiteral, TooManyValues } from "./js-literal";
import { IMPORT_MAX_JSON_VALUES, MAX_JSON_VALUES } from "@/lib/limits";
import { parseJson } from "@/lib/trajectory/raw-json";
import { describeProblem } from "@/lib/trajectory/storable";
import { spansFromRaw } from "./merge";

const RAW_DATA = /\b(?:const|let|var)\s+rawData\s*=\s*/g;

/** True when the text is HTML that carries a rawData assignment. */
export function looksLikeHtmlReport(text: string): boolean {
  return /<script\b/i.test(text) && /\brawData\s*=/.test(text);
}

/**
 * Script bodies as the browser sees them: each ends at the first "</script", so a literal can
 * never reach past it (generators escape "</" inside strings for exactly that reason).
 */
function scriptBodies(html: string): string[] {
  const out: string[] = [];
  // The tag's end is found with indexOf, not `<script\b[^>]*>`: that regex rescans to the end of the text from every
  // "<script" without a ">" after it, quadratic time (a 200 KB file of "<script" held the app's thread for seconds).
  const open = /<script\b/gi;
  const close = /<\/script/gi;
  let m: RegExpExecArray | null;
  while ((m = open.exec(html))) {
    const tagEnd = html.indexOf(">", m.index);
    if (tagEnd < 0) break;
    const start = tagEnd + 1;
    close.lastIndex = start;
    const end = close.exec(html)?.index ?? html.length;
    out.push(html.slice(start, end));
    open.lastIndex = end;
  }
  return out;
}

/** The rawData array literal's text, or a reason it could not be found. */
function extractLiteral(html: string): { text: string } | { problem: string } {
  for (const body of scriptBodies(html)) {
    RAW_DATA.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = RAW_DATA.exec(body))) {
      const start = m.index + m[0].length;
      if (body[start] !== "[") {
        return { problem: `"rawData" is not assigned an array literal (found ${JSON.stringify(body.slice(start, start + 20))})` };
      }
      const end = findValueEnd(body, start);
      if (end < 0) return { problem: `the "rawData" array never ends inside its <script> (unbalanced brackets or quotes)` };
      return { text: body.slice(start, end) };
    }
  }
  return { problem: `no "const rawData = [...]" in any <script> (not an AI Trajectory report)` };
}

/** The report's spans. JSON.parse first (Go writes JSON with \u003c escapes); a safe literal reader if that fails. */
export function parseHtmlReport(file: string, html: string): ImportedRun {
  const found = extractLiteral(html);
  if ("problem" in found) throw new ImportError(file, found.problem);
  let data: unknown;
  const parsed = parseJson(found.text, {
    maxDepth: Infinity,
    maxValues: IMPORT_MAX_JSON_VALUES,
    maxFieldValues: MAX_JSON_VALUES,
    per: "per file",
  });
  if (parsed.ok) data = parsed.value;
  else if (parsed.tooLarge) throw new ImportError(file, `"rawData" ${describeProblem(parsed.problem)}`, "TooLarge");
  else {
    try {
      data = parseJsLiteral(found.text);
    } catch (e) {
      if (e instanceof TooManyValues) throw new ImportError(file, `"rawData" ${e.message}`, "TooLarge");
      const msg = e instanceof Error ? e.message : String(e);
      const pos = /at position (\d+)/.exec(msg);
      const where = pos ? ` at ${lineColumn(found.text, Number(pos[1]))} of the literal` : "";
      throw new ImportError(
        file,
        `"rawData" is neither JSON nor a plain JavaScript literal${where} (${msg.replace(/ at position \d+$/, "")})`,
      );
    }
  }
  if (!Array.isArray(data)) throw new ImportError(file, `"rawData" is not an array`);
  if (data.length === 0) throw new ImportError(file, `"rawData" is empty (the report has no spans)`);
  // The standalone report writes Args/Results as JSON; the dashboard's own job page (same template) as Go's printing.
  const notes: DisplayReadNotes = { printed: false };
  const spans = spansFromRaw(
    file,
    data.map((item, i) => displaySpanToRaw(file, item, i, notes)),
  );
  return { job: deriveJob(notes.printed ? { ValuesPrinted: true } : {}, spans), spans, source: "html-report", minutePrecision: false };
}
