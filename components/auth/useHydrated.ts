"use client";
// Whether React has taken over the page: false in the server's HTML, true once hydrated.
import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * Server-action forms must not be posted before hydration: the browser would post them as plain forms from these
 * no-referrer pages with `Origin: null`, which Next.js refuses (500 "Invalid Server Actions request"); once hydrated,
 * React posts them with fetch, which sends the real Origin. Their submit buttons wait for this.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
