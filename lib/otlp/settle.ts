// When a trace's run is finished: its root span has ended and nothing more arrived for OTLP_TRACE_QUIET_SECONDS. A
// timer per process looks every quiet period while any trace is running (in any process: the runs of a process that
// died are settled by the next that receives a span); lib/ingest/otlp-trace.ts settleQuietTraces does the work.
// Another places the spans a large trace's requests left waiting (lib/ingest/otlp-place.ts placePendingTraces).
import "server-only";
import { appConfig } from "@/lib/config";
import { placePendingTraces } from "@/lib/ingest/otlp-place";
import { settleQuietTraces } from "@/lib/ingest/otlp-trace";

/** Ms between two looks for traces whose spans wait to be placed (each trace has its own pace: placePendingTraces). */
const PLACE_LOOK_MS = 1000;

/**
 * A per-process timer: arming it runs `work` `delayMs()` from now, and again after that while `work` says more is
 * left; arming it while it is armed does nothing. A failure is logged as `what` and ends the round.
 */
function repeatingTimer(work: () => Promise<boolean>, delayMs: () => number, what: string): () => void {
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (timer) return;
    timer = setTimeout(() => {
      work()
        .then((more) => {
          timer = null;
          if (more) arm();
        })
        .catch((e: unknown) => {
          timer = null;
          console.error(`${what} failed:`, e);
        });
    }, delayMs());
    timer.unref();
  };
  return arm;
}

/** Settles quiet traces now (the silent-agent timeout makes a root that never ended incomplete). */
export function settleNow(): Promise<{ settled: string[]; running: number }> {
  const config = appConfig();
  return settleQuietTraces(config.OTLP_TRACE_QUIET_SECONDS, config.AGENT_SILENT_TIMEOUT_SECONDS);
}

/** Arranges a settle one quiet period from now, repeated while traces are running (one timer per process). */
export const settleSoon = repeatingTimer(
  async () => (await settleNow()).running > 0,
  () => appConfig().OTLP_TRACE_QUIET_SECONDS * 1000 + 500,
  "settling OTLP traces",
);

/**
 * Arranges a look for waiting spans (a large trace's, stored after the request) one PLACE_LOOK_MS from now, repeated
 * while any wait (one timer per process; the traces a process that died left waiting are placed by the next look of
 * any process, or when they are settled).
 */
export const placeSoon = repeatingTimer(
  async () => (await placePendingTraces()).waiting > 0,
  () => PLACE_LOOK_MS,
  "placing OTLP spans",
);
