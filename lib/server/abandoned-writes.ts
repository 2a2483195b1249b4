// Answers whose client does not take them. Two faults of one kind (attack6 G2, G3):
// - Next 16's response writer (next/dist/server/pipe-readable.js, createWriterFromResponse) waits for 'drain' when
//   res.write returns false, and resolves that wait on 'close' only once. When a client leaves while its answer is
//   backpressured (a slow link closing a run page while the outline loads), the writer's next write to the closed
//   response returns false and waits for a 'drain' that never comes: the answer's pipe, Next's handler and all they
//   hold never settle (ten aborted downloads of an outline left ten handlers pending for good).
// - A client that stays connected and stops reading holds its answer (up to a page of an export, 4 MB, in buffers) and
//   whatever slot the answer took (4 stalled readers held every whole-run export slot, everyone else's export 429) for
//   as long as it likes. As nginx's send_timeout, a client that takes nothing of its answer for SEND_TIMEOUT_MS is cut.
import type { ServerResponse } from "node:http";
import { SEND_TIMEOUT_MS } from "@/lib/limits";

/**
 * Guards `res` (call before Next sees it): writes after its connection closed report success (they go nowhere either
 * way, and Next's writer then goes on to its pipe's abort and ends), and when a write is backpressured, the connection
 * is cut if the client has taken no byte of the answer for `sendTimeoutMs` (the answer's slots are then given back).
 */
export function guardWrites(res: ServerResponse, sendTimeoutMs = SEND_TIMEOUT_MS): void {
  const write = res.write;
  let timer: NodeJS.Timeout | undefined;
  /** Bytes of the answer written to `res`; of those, the client had taken `taken` when last seen taking some, at `at`. */
  let written = 0;
  let taken = 0;
  let at = 0;
  const takenNow = () => written - res.writableLength;
  /** Notes whether the client took some since the last look (it reads, however slowly). */
  const look = () => {
    const now = takenNow();
    if (now > taken) [taken, at] = [now, performance.now()];
  };
  const check = () => {
    timer = undefined;
    if (res.destroyed || res.writableLength === 0) return;
    look();
    const idle = performance.now() - at;
    if (idle < sendTimeoutMs) timer = setTimeout(check, sendTimeoutMs - idle);
    else res.destroy(new Error(`the client took nothing of its answer for ${sendTimeoutMs} ms`));
  };
  res.write = function (this: ServerResponse, ...args: Parameters<ServerResponse["write"]>) {
    const [chunk, encoding] = args;
    if (timer !== undefined) look();
    written +=
      typeof chunk === "string"
        ? Buffer.byteLength(chunk, typeof encoding === "string" ? encoding : "utf8")
        : (chunk as Uint8Array).byteLength;
    const ok = write.apply(this, args) as boolean;
    if (!ok && !this.destroyed && timer === undefined) {
      [taken, at] = [takenNow(), performance.now()];
      timer = setTimeout(check, sendTimeoutMs);
    }
    return ok || this.destroyed;
  } as ServerResponse["write"];
  res.once("close", () => clearTimeout(timer));
}
