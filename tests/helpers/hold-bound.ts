/**
 * The bound (ms) hold tests assert on: issue 21's target is no hold over 200 ms, measured by `npm run bench:hostile`
 * on a quiet machine; a test on a loaded CI machine (2 shared cores, load 4+) sees a turn of 100 ms last 2-3 times as
 * long, so it guards against the old holds of one to several seconds, not the target itself.
 */
export const HOLD_BOUND_MS = 600;
