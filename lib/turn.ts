// Work that would hold the event loop for long runs in slices, letting other requests in between.

/** Resolves on the event loop's next turn (after pending I/O callbacks): await it between slices of long work. */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
