// RFC 3339 timestamps as integer nanoseconds, so Started + Duration keeps full precision and year 1 works.
import { trimEnd } from "@/lib/text/trim";
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from "@/lib/limits";

const RFC3339 = /^(\d{4,})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

const NS_PER_SEC = 1_000_000_000n;

// Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's algorithm); Date.UTC maps years 0-99 to 19xx.
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// February 30 is no date, though Date.parse rolls it over into March.
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether `s` is a calendar day as YYYY-MM-DD in the years timestamps may have (MIN_TIMESTAMP to MAX_TIMESTAMP:
 * 0001-9999; PostgreSQL has no year 0). The one rule of a day a person types (the history's from/to, everywhere its
 * filters are read).
 */
export function isCalendarDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return s >= MIN_TIMESTAMP.slice(0, 10) && s <= MAX_TIMESTAMP.slice(0, 10) && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Nanoseconds since the Unix epoch, or null when the text is not RFC 3339. */
export function parseTimestampNs(s: string): bigint | null {
  const m = RFC3339.exec(s.trim());
  if (!m) return null;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m as unknown as string[];
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const sec = Number(ss);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(Number(ys), mo) || h > 23 || mi > 59 || sec > 60) return null;
  let offsetMin = 0;
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const [oh, om] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (oh > 23 || om > 59) return null;
    offsetMin = sign * (oh * 60 + om);
  }
  const seconds = daysFromCivil(Number(ys), mo, d) * 86400 + h * 3600 + mi * 60 + sec - offsetMin * 60;
  const nanos = BigInt((frac ?? "").slice(0, 9).padEnd(9, "0"));
  return BigInt(seconds) * NS_PER_SEC + nanos;
}

/** UTC RFC 3339 with the shortest exact fraction, as Go's RFC3339Nano prints it. */
export function formatTimestampNs(ns: bigint): string {
  let secs = ns / NS_PER_SEC;
  let nanos = ns % NS_PER_SEC;
  if (nanos < 0n) {
    nanos += NS_PER_SEC;
    secs -= 1n;
  }
  const s = Number(secs);
  const days = Math.floor(s / 86400);
  const rem = s - days * 86400;
  const [y, mo, d] = civilFromDays(days);
  const p2 = (n: number) => String(n).padStart(2, "0");
  const frac = nanos === 0n ? "" : "." + trimEnd(String(nanos).padStart(9, "0"), "0");
  const year = y < 0 ? "-" + String(-y).padStart(4, "0") : String(y).padStart(4, "0");
  return `${year}-${p2(mo)}-${p2(d)}T${p2(Math.floor(rem / 3600))}:${p2(Math.floor((rem % 3600) / 60))}:${p2(rem % 60)}` + `${frac}Z`;
}

/** The timestamp `ns` nanoseconds after `ts`, or null when `ts` is not RFC 3339. */
export function addNanos(ts: string, ns: bigint): string | null {
  const start = parseTimestampNs(ts);
  return start === null ? null : formatTimestampNs(start + ns);
}

/**
 * The timestamp cut to microseconds (what PostgreSQL's timestamptz keeps), in UTC: "…T10:00:00.123456789+02:00" →
 * "…T08:00:00.123456Z". Null when the text is not RFC 3339. Storing this text keeps every digit PostgreSQL can hold.
 */
export function toMicrosUtc(ts: string): string | null {
  const ns = parseTimestampNs(ts);
  if (ns === null) return null;
  // Floor division, so instants before 1970 round toward the past like PostgreSQL does.
  const us = ns >= 0n ? ns / 1000n : -((-ns + 999n) / 1000n);
  return formatTimestampNs(us * 1000n);
}

/** Go's zero time.Time, 0001-01-01T00:00:00Z, in ns since the Unix epoch. */
const ZERO_TIME_NS = parseTimestampNs("0001-01-01T00:00:00Z")!;

/**
 * True for Go's zero time (the instant 0001-01-01T00:00:00Z): a `Finished` that is zero means "not finished" (Go
 * before 1.24 had no omitzero and wrote it in start copies). 0001-01-01T00:00:01Z (the goldens' stub clock) is a real time.
 */
export function isZeroTime(ts: string): boolean {
  return parseTimestampNs(ts) === ZERO_TIME_NS;
}

/**
 * A stored time read back as microsecond text (lib/db/sql.ts isoMicros, "2026-03-02T10:00:00.250000Z") in the form
 * Go's RFC3339Nano writes: trailing zeros of the fraction dropped, no dot when it is 0 ("2026-03-02T10:00:00.25Z").
 */
export function goTimestamp(micros: string): string {
  const ns = parseTimestampNs(micros);
  if (ns === null) throw new Error(`not an RFC 3339 timestamp: ${micros}`);
  return formatTimestampNs(ns);
}
