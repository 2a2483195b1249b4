// Loaded with `node --import` into the Next.js server process (scripts/start.ts). Next builds a WHATWG Request for
// every request, and that constructor throws on TRACE (a method the Fetch standard forbids): Next then answers 500
// and logs a stack trace, for any client and any Host. This answers it first, with 405 and what is allowed, before
// Next sees it. (Node's parser answers TRACK with 400 itself; CONNECT is not a "request" event and its socket closes.)
import http from "node:http";

const UNSUPPORTED = new Set(["TRACE"]);
const ALLOWED = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
const emit = http.Server.prototype.emit;

http.Server.prototype.emit = function (event, ...args) {
  const [req, res] = args;
  if (event === "request" && UNSUPPORTED.has(req.method)) {
    res.writeHead(405, {
      allow: ALLOWED,
      "content-type": "text/plain; charset=utf-8",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
      "x-content-type-options": "nosniff",
    });
    res.end(`method ${req.method} not allowed: this app takes ${ALLOWED}\n`);
    return true;
  }
  return emit.call(this, event, ...args);
};
