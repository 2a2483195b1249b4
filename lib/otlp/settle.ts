// When a trace's run is finished: its root span has ended and nothing more arrived for OTLP_TRACE_QUIET_SECONDS. A
// timer per process looks every quiet period while any trace is running (in any process: the runs of a process that
// died are settled by the next that receives a span); lib/ingest/otlp-trace.ts settleQuietTraces does the work.
import "server-only";
import { appConfig } from "@/lib/config";
import { settleQuietTraces } from "@/lib/ingest/otlp-trace";

let timer: NodeJS.Timeout | null = null;

/** Settles quiet traces now (the silent-agent timeout makes a root that never ended incomplete). */
export function settleNow(): Promise<{ settled: string[]; running: number }> {
  const config = appConfig();
  return settleQuietTraces(config.OTLP_TRACE_QUIET_SECONDS, config.AGENT_SILENT_TIMEOUT_SECONDS);
}

/** Arranges a settle one quiet period from now, repeated while traces are running (one timer per process). */
export function settleSoon(): void {
  if (timer) return;
  timer = setTimeout(
    () => {
      settleNow()
        .then(({ running }) => {
          timer = null;
          if (running > 0) settleSoon();
        })
        .catch((e: unknown) => {
          timer = null;
          console.error("settling OTLP traces failed:", e);
        });
    },
    appConfig().OTLP_TRACE_QUIET_SECONDS * 1000 + 500,
  );
  timer.unref();
}
