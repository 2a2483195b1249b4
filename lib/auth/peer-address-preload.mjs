// Loaded with `node --import` into the Next.js server process (scripts/start.ts). Next passes route handlers and the
// proxy only headers, and fills x-forwarded-for from the connection only when a client did not send one, so the
// connection's own address is otherwise lost. This stamps it on every request, replacing any header of that name
// a client sent, through Node's documented diagnostics channel (published before the server's request handler runs).
import diagnosticsChannel from "node:diagnostics_channel";

diagnosticsChannel.subscribe("http.server.request.start", ({ request }) => {
  request.headers["x-peer-address"] = request.socket.remoteAddress ?? "";
});
// Tells lib/auth/client-address.ts that the header is ours (without this preload, a client could have sent it).
globalThis[Symbol.for("trajectory-viewer.peer-address-stamped")] = true;
