// Formatting of durations, token counts and timestamps, shared by every page.
import { trimEnd } from "@/lib/text/trim";

/** Microseconds in a millisecond, a second, a minute, an hour (the time model, lib/trajectory/timing.ts, counts µs). */
export const US_PER_MS = 1_000;
const US_PER_S = 1_000_000;
const US_PER_MIN = 60 * US_PER_S;
const US_PER_H = 60 * US_PER_MIN;

/**
 * A duration for reading, from 1 µs to days: "850µs", "12.3ms", "4.21s", "2m 05s", "1h 05m", "1d 02h".
 * Three significant digits below a minute; negative durations (an end before a start) get a minus sign.
 */
export function formatDurationUs(us: number | null | undefined): string {
  if (us == null || !Number.isFinite(us)) return "—";
  if (us < 0) return `−${formatDurationUs(-us)}`;
  const r = Math.round(us);
  if (r < US_PER_MS) return `${r}µs`;
  const sig3 = (v: number) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
  // Rounding can carry a value to the next unit (999.6ms → "1000ms"): compare the rounded text, not the value.
  if (us < US_PER_S) {
    const text = sig3(us / US_PER_MS);
    if (Number(text) < 1000) return `${text}ms`;
  }
  if (us < US_PER_MIN) {
    const text = sig3(us / US_PER_S);
    if (Number(text) < 60) return `${text}s`;
  }
  // Whole units from here on, each tier rounded to its smaller unit and carried up when it fills the larger one.
  const totalS = Math.round(us / US_PER_S);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m ${String(totalS % 60).padStart(2, "0")}s`;
  const totalM = Math.round(us / US_PER_MIN);
  if (totalM < 24 * 60) return `${Math.floor(totalM / 60)}h ${String(totalM % 60).padStart(2, "0")}m`;
  const totalH = Math.round(us / US_PER_H);
  return `${Math.floor(totalH / 24)}d ${String(totalH % 24).padStart(2, "0")}h`;
}

/** Minute-precision runs know whole minutes only: "2m" rather than invented seconds. */
export function formatDurationAtUs(us: number | null | undefined, minutePrecision: boolean): string {
  if (us == null || !minutePrecision || !Number.isFinite(us)) return formatDurationUs(us);
  const m = Math.round(us / US_PER_MIN);
  return m < 60 ? `${m}m` : formatDurationUs(m * US_PER_MIN);
}

/**
 * An RFC 3339 timestamp (as the span API gives it, e.g. "2026-03-02T10:00:04.000250Z") for reading, every digit kept
 * and the zone said: "2026-03-02 10:00:04.000250 UTC". Text that is not such a timestamp is returned unchanged.
 */
export function formatInstant(iso: string | null | undefined, minutePrecision = false): string {
  if (!iso) return "—";
  const m = /^(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?Z$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d, h, mi, s = "00", frac = ""] = m;
  if (minutePrecision) return `${y}-${mo}-${d} ${h}:${mi} UTC`;
  return `${y}-${mo}-${d} ${h}:${mi}:${s}${frac} UTC`;
}

/** An epoch-µs instant as UTC text with microseconds: "2026-03-02 10:00:04.000250 UTC" (real times only). */
export function formatEpochUs(us: number, minutePrecision = false): string {
  if (!Number.isFinite(us)) return "—";
  const ms = Math.floor(us / US_PER_MS);
  const iso = new Date(ms).toISOString();
  if (minutePrecision) return `${iso.slice(0, 16).replace("T", " ")} UTC`;
  const micros = String(Math.round(us - ms * US_PER_MS)).padStart(3, "0");
  return `${iso.slice(0, 23).replace("T", " ")}${micros} UTC`;
}

/** A duration given in ms, formatted by the time model (lib/trajectory/timing.ts): "850µs", "12.3ms", "4.21s", "2m 05s", "1d 02h". */
export function formatDuration(ms: number | null | undefined): string {
  return formatDurationUs(ms == null ? ms : ms * US_PER_MS);
}

/** Minute-precision runs only know whole minutes: say "2m" rather than invent seconds. */
export function formatDurationAt(ms: number | null | undefined, minutePrecision: boolean): string {
  return formatDurationAtUs(ms == null ? ms : ms * US_PER_MS, minutePrecision);
}

/** "1,234,567"; token totals may be bigint (past 2^31, real runs reach billions). */
export function formatCount(n: number | bigint | null | undefined): string {
  return n == null ? "—" : n.toLocaleString("en-US");
}

/** UTC, so that every reader sees the same time as the stored run: "2026-06-29 12:05:51". */
export function formatTime(d: Date | string | null | undefined, minutePrecision = false): string {
  if (!d) return "—";
  const iso = (typeof d === "string" ? new Date(d) : d).toISOString();
  return iso.slice(0, minutePrecision ? 16 : 19).replace("T", " ");
}

/** "950", "12.3k", "4.1M", "1.98B", "3.2T": token counts in a tree row or on a chart axis, where space is short. */
export function formatCompact(n: number | bigint): string {
  const v = Number(n);
  const sign = v < 0 ? "−" : "";
  const a = Math.abs(v);
  if (a < 1000) return `${sign}${Math.round(a)}`;
  for (const [size, unit] of [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ] as const) {
    if (a >= size * 0.9995 || size === 1e3) {
      const x = a / size;
      // Three significant digits: 1.98B, 12.3k, 456M (a value that rounds up to 1000 moves to the next unit above).
      const text = x < 10 ? trimEnd(trimEnd(x.toFixed(2), "0"), ".") : x < 100 ? x.toFixed(1).replace(/\.0$/, "") : x.toFixed(0);
      return `${sign}${text}${unit}`;
    }
  }
  return String(v);
}

/** "12 bytes", "1.5 KB", "50 MB", "2 GB" (1 KB = 1,024 bytes): one decimal only where it carries information. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [
    [1024 * 1024 * 1024, "GB"],
    [1024 * 1024, "MB"],
    [1024, "KB"],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const v = n / size;
      const text = v >= 10 || Number.isInteger(v) ? String(Math.floor(v)) : v.toFixed(1).replace(/\.0$/, "");
      return `${text} ${unit}`;
    }
  }
  return n === 1 ? "1 byte" : `${n} bytes`;
}

/** The link as an href when it is a web link (http, https), else null: a stored `javascript:` link must stay text. */
export function safeHref(link: string): string | null {
  try {
    const u = new URL(link);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** A text's size as shown: "12,345 characters", or "7.6 MB" when `unit` says `length` counts UTF-8 bytes. */
export function formatTextSize(length: number, unit?: "bytes"): string {
  return unit === "bytes" ? formatBytes(length) : `${formatCount(length)} characters`;
}
