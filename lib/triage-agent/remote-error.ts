// What a run may say of a remote server's failure. A model endpoint's error text is the remote's words: copied into a
// run's error it would show every reader what an internal service answered (an operator could point the endpoint at
// one). So a run says only the kind of failure and the HTTP status; the remote's text, cut, goes to the agent's log,
// which only the people running the server read.
import { OUTBOUND_ERROR_KEEP_CHARS } from "@/lib/limits";

/** A failed request to a remote server as a run shows it (`shown`) and as the operators' log keeps it (`detail`). */
export interface RemoteFailure {
  shown: string;
  detail: string;
}

/**
 * Summarizes `e`, an error of a request to `what` ("the model endpoint"): an HTTP answer by its status (the AI SDK's
 * APICallError carries `statusCode`), anything else as "could not reach" — never whether the connection was refused
 * or timed out, which would tell ports apart. `detail` is the error's own text, cut to OUTBOUND_ERROR_KEEP_CHARS.
 */
export function remoteFailure(e: unknown, what: string): RemoteFailure {
  const status = typeof e === "object" && e !== null && "statusCode" in e ? (e as { statusCode?: unknown }).statusCode : undefined;
  const shown =
    typeof status === "number"
      ? `${what} answered HTTP ${status} (its text is in the agent's log)`
      : `could not reach ${what} (see the agent's log)`;
  const text = e instanceof Error ? e.message : String(e);
  const detail = text.length > OUTBOUND_ERROR_KEEP_CHARS ? `${text.slice(0, OUTBOUND_ERROR_KEEP_CHARS)}… [cut]` : text;
  return { shown, detail };
}
