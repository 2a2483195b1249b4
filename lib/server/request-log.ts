// One structured log line per request (LOG_FORMAT=json): what an operator needs to see traffic and latency, and
// nothing a request carried — no query string, no headers, no payload, no key.

/** A line's fields: ISO time, method, path (no query, at most 200 characters), HTTP status, duration in ms. */
export interface RequestLogLine {
  time: string;
  method: string;
  path: string;
  status: number;
  ms: number;
}

/**
 * The logger for a LOG_FORMAT: "json" writes one JSON object a line to stdout, e.g.
 * `{"time":"2026-12-07T08:00:00.000Z","method":"POST","path":"/api","status":200,"ms":1.8}`; "off" gives null.
 */
export function requestLogger(
  format: "json" | "off",
  write: (line: string) => void = (line) => process.stdout.write(line),
): ((method: string, path: string, status: number, ms: number) => void) | null {
  if (format === "off") return null;
  return (method, path, status, ms) => {
    const line: RequestLogLine = {
      time: new Date().toISOString(),
      method: method.slice(0, 20),
      path: path.slice(0, 200),
      status,
      ms: Math.round(ms * 10) / 10,
    };
    write(JSON.stringify(line) + "\n");
  };
}
