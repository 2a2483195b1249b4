// When a trace's run is finished: its root span has ended and nothing more arrived for OTLP_TRACE_QUIET_SECONDS. A
// timer per process looks every quiet period while any trace is running (in any process: the runs of a process that
// died are settled by the next that receives a span); lib/ingest/otlp-trace.ts settleQuietTraces does the work.
import "server-only";
import { appConfig } from "@/lib/config";
import { placePendingTraces } from "@/lib/ingest/otlp-place";
import { settleQuietTraces } from "@/lib/ingest/otlp-trace";

let timer: NodeJS.Timeout | null = null;
let placeTimer: NodeJS.Timeout | null = null;

/** Ms between two looks for traces whose spans wait to be placed (each trace has its own pace: placePendingTraces). */
const PLACE_LOOK_MS = 1000;

/**
 * Arranges a look for waiting spans (a large trace's, stored after the request: lib/ingest/otlp-place.ts) one
 * PLACE_LOOK_MS from now, repeated while any wait (one timer per process; the traces a process that died left waiting
 * are placed by the next look of any process, or when they are settled).
 */
export function placeSoon(): void {
  if (placeTimer) return;
  placeTimer = setTimeout(() => {
    placePendingTraces()
      .then(({ waiting }) => {
        placeTimer = null;
        if (waiting > 0) placeSoon();
      })
      .catch((e: unknown) => {
        placeTimer = null;
        console.error("placing OTLP spans failed:", e);
      });
  }, PLACE_LOOK_MS);
  placeTimer.unref();
}

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
