// Formatting of durations, token counts and timestamps, shared by every page.

/** "850ms", "12.3s", "2m 05s", "1h 05m", "1d 02h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return "—";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, "0")}h`;
}

/** Minute-precision runs only know whole minutes: say "2m" rather than invent seconds. */
export function formatDurationAt(ms: number | null | undefined, minutePrecision: boolean): string {
  if (ms == null || !minutePrecision) return formatDuration(ms);
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m}m` : formatDuration(m * 60_000);
}

export function formatCount(n: number | null | undefined): string {
  return n == null ? "—" : n.toLocaleString("en-US");
}

/** UTC, so that every reader sees the same time as the stored run: "2026-06-29 12:05:51". */
export function formatTime(d: Date | string | null | undefined, minutePrecision = false): string {
  if (!d) return "—";
  const iso = (typeof d === "string" ? new Date(d) : d).toISOString();
  return iso.slice(0, minutePrecision ? 16 : 19).replace("T", " ");
}

/** "950", "12.3k", "4.1M": token counts in a tree row, where space is short. */
export function formatCompact(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
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
