// Next's instrumentation hook (https://nextjs.org/docs/app/api-reference/file-conventions/instrumentation): a page
// that failed on a busy or absent database is answered 503, not 500 (lib/server/busy-pages.ts). Noted at once, before
// Next writes the failed page's head.
import type { Instrumentation } from "next";
import { noteRequestError, REQUEST_TAG_HEADER } from "./lib/api/busy-requests";

export const onRequestError: Instrumentation.onRequestError = (error, request) => {
  const tag = request.headers[REQUEST_TAG_HEADER];
  noteRequestError(error, Array.isArray(tag) ? tag[0] : tag);
};
