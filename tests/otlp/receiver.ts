// The app's own front door (lib/server/front-door.ts, the machine routes' table) on a loopback HTTP server, so real
// exporters send real HTTP to POST /v1/traces exactly as they do to `npm start`; and the stand-in model the producers
// call (e2e/stand-in-model.ts: a tool call first, then an answer).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { frontDoor } from "@/lib/server/front-door";
import { MACHINE_ROUTES } from "@/lib/server/machine-routes";

export interface Receiver {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const state = { requests: 0 };
  const door = frontDoor(MACHINE_ROUTES, null);
  const server = http.createServer((req, res) => {
    state.requests++;
    if (door(req, res)) return;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get requests() {
      return state.requests;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
