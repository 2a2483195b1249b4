// Next 16's response writer (next/dist/server/pipe-readable.js, createWriterFromResponse) waits for 'drain' when
// res.write returns false, and resolves that wait on 'close' only once. When a client leaves while its answer is
// backpressured (a slow link closing a run page while the outline loads), the writer's next write to the closed
// response returns false and waits for a 'drain' that never comes: the answer's pipe, Next's handler and all they hold
// never settle (attack6 G2: ten aborted downloads of an outline left ten handlers pending for good, each holding an
// admission turn until admission learned to end turns on 'close').
import type { ServerResponse } from "node:http";

/**
 * Makes writes to `res` after its connection closed report success: they go nowhere either way, and Next's writer then
 * goes on to its pipe's abort (the client's disconnect) and ends, instead of waiting for good. Call before Next sees
 * `res`.
 */
export function settleWritesAfterClose(res: ServerResponse): void {
  const write = res.write;
  res.write = function (this: ServerResponse, ...args: Parameters<ServerResponse["write"]>) {
    return (write.apply(this, args) as boolean) || this.destroyed;
  } as ServerResponse["write"];
}
