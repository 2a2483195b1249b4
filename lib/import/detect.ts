// Entry point for uploads: checks the bytes, recognises which of the four trajectory shapes a file is, and parses it.
import type { ImportedRun } from "@/lib/trajectory/span";
import { formatBytes } from "@/lib/format";
import { ImportError, parseJsonOrThrow } from "./errors";
import { looksLikeHtmlReport, parseHtmlReport } from "./html-report";
import { isJobPage, parseJobPage } from "./job-page";
import { isJobExport, JOB_EXPORT_NOT_A_RUN } from "./job-export";
import { looksLikePageCopy, parsePageCopy } from "./page-copy";
import { parseTrajectoryFile } from "./trajectory-file";
import { isOtlpJson, parseOtlpFile } from "./otlp-file";
import { IMPORT_MAX_FILE_BYTES } from "@/lib/limits";

/** Largest file an import accepts unless the caller says otherwise. */
export const MAX_IMPORT_BYTES = IMPORT_MAX_FILE_BYTES;

export interface ParseRunFileOptions {
  /** size limit in bytes; default MAX_IMPORT_BYTES */
  maxBytes?: number;
}

/** The file as text, or an ImportError for files that are too big, empty or not UTF-8 text. */
export function decodeText(fileName: string, content: Buffer | string, maxBytes = MAX_IMPORT_BYTES): string {
  const size = typeof content === "string" ? Buffer.byteLength(content, "utf8") : content.length;
  if (size > maxBytes) {
    throw new ImportError(fileName, `file is ${formatBytes(size)}, the limit is ${formatBytes(maxBytes)}`, "TooLarge");
  }
  if (size === 0) throw new ImportError(fileName, "file is empty");
  let text: string;
  if (typeof content === "string") {
    text = content;
  } else {
    // NUL bytes never occur in the text shapes; they are the cheapest sign of a binary file.
    if (content.includes(0)) throw new ImportError(fileName, "binary file (not text)");
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(content);
    } catch {
      throw new ImportError(fileName, "binary file (not valid UTF-8 text)");
    }
  }
  if (text.includes("\u0000")) throw new ImportError(fileName, "binary file (not text)");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new ImportError(fileName, "file is empty (only whitespace)");
  return text;
}

function parseJsonShape(fileName: string, text: string): ImportedRun[] {
  const data = parseJsonOrThrow(fileName, text);
  if (Array.isArray(data)) {
    // An array of job pages is several runs; anything else is one run's spans.
    if (data.length > 0 && data.every(isJobPage)) {
      return data.map((page, i) => {
        try {
          return parseJobPage(fileName, page);
        } catch (e) {
          if (e instanceof ImportError) throw new ImportError(fileName, `job page #${i + 1}: ${e.reason}`);
          throw e;
        }
      });
    }
    return [parseTrajectoryFile(fileName, data)];
  }
  if (isJobPage(data)) return [parseJobPage(fileName, data)];
  if (isOtlpJson(data)) return parseOtlpFile(fileName, data);
  // Never a pending job: an import stores what happened, and an export is only what a job was asked.
  if (isJobExport(data)) throw new ImportError(fileName, JOB_EXPORT_NOT_A_RUN);
  if (typeof data === "object" && data !== null) {
    const keys = Object.keys(data)
      .slice(0, 5)
      .map((k) => JSON.stringify(k.slice(0, 40)))
      .join(", ");
    throw new ImportError(
      fileName,
      `wrong shape: a JSON object without "Trajectory" (keys: ${keys || "none"}); expected an array of spans, a job page {Job, Trajectory, Args} or OTLP JSON {resourceSpans}`,
    );
  }
  throw new ImportError(
    fileName,
    `wrong shape: JSON ${data === null ? "null" : typeof data}; expected an array of spans or a job page object`,
  );
}

/**
 * Parses an uploaded trajectory in any of the four shapes into runs (one, or several for an
 * array of job pages). Shapes are recognised by content, never by the file name's extension.
 */
export function parseRunFile(fileName: string, content: Buffer | string, opts?: ParseRunFileOptions): ImportedRun[] {
  const text = decodeText(fileName, content, opts?.maxBytes ?? MAX_IMPORT_BYTES);
  const start = text.trimStart();
  if (/^[[{"]/.test(start)) return parseJsonShape(fileName, text);
  // A page copy may quote HTML in its text, so only a leading "<" makes a file HTML before the copy check.
  if (start.startsWith("<")) {
    if (looksLikeHtmlReport(text)) return [parseHtmlReport(fileName, text)];
    throw new ImportError(fileName, `HTML page without "const rawData = [...]" in a <script> (not an AI Trajectory report)`);
  }
  if (looksLikePageCopy(text)) return [parsePageCopy(fileName, text)];
  if (looksLikeHtmlReport(text)) return [parseHtmlReport(fileName, text)];
  throw new ImportError(
    fileName,
    "not a recognised trajectory format (expected a JSON span array, a job page JSON, an AI Trajectory HTML report or a page text copy)",
  );
}
