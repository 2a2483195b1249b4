// Loaded with `node --import` into the Next.js server process (scripts/start.ts). Next builds a WHATWG Request for
// every request, and that constructor throws on TRACE and TRACK (methods the Fetch standard forbids): Next then
// answers 500 and logs a stack trace, for any client and any Host. This answers them first, with 405 and what is
// allowed, before Next sees them. (CONNECT is not a "request" event in Node; with no listener its socket is closed.)
import http from "node:http";

const UNSUPPORTED = new Set(["TRACE", "TRACK"]);
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
