// Where the app and its built-in agent may send requests: the outbound allow-list admins keep at /admin. The one
// check for every URL a person or a stored value can make the server (or the built-in agent) fetch: an experiment's
// or a rerun's model endpoint (`openai-compatible:<model>@<url>`, lib/triage-agent/model-spec.ts) today, and the
// coming dashboard mirror's dashboard URLs: call checkOutboundUrl before storing or following such a URL.
//
// An entry is `host:port` (a DNS name, an IPv4 address or a bracketed IPv6 address, and a port). A URL passes when its
// host and port (80/443 by default) are listed AND every address its name resolves to is public — or is itself listed
// with that port. So a listed name that resolves (or is later re-pointed) to 127.0.0.1, 10.x, 169.254.x (cloud
// metadata) or ::1 is refused unless an admin listed that very address: a local model server is allowed by listing
// `127.0.0.1:11434` and naming it so in the URL.
import "server-only";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { badRequest } from "@/lib/http/errors";
import { OUTBOUND_MAX_ALLOWED } from "@/lib/limits";

/** The app_settings row that holds the list, one entry a line. */
const SETTING = "outbound_allow";

/** An allowed host and port, as written: host lower-case, IPv6 without brackets. */
export interface OutboundEntry {
  host: string;
  port: number;
}

/** An IP address in its one written form (the WHATWG URL parser's: IPv6 compressed, lower-case), a name as is. */
function normalHost(host: string): string {
  if (!isIP(host)) return host;
  const h = new URL(`http://${isIP(host) === 6 ? `[${host}]` : host}/`).hostname;
  return h.startsWith("[") ? h.slice(1, -1) : h;
}

/** `host:port` as listed (`[::1]:8080` for IPv6). */
export const outboundEntryText = (e: OutboundEntry) => `${e.host.includes(":") ? `[${e.host}]` : e.host}:${e.port}`;

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Reads `host:port` (`[::1]:8080` for IPv6); throws BadRequest naming what is wrong. */
export function parseOutboundEntry(text: string): OutboundEntry {
  const s = text.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(s);
  if (!m) throw badRequest(`"${text.slice(0, 100)}": expected host:port (e.g. models.example.org:443, 127.0.0.1:11434, [::1]:8080)`);
  const host = m[1]!.startsWith("[") ? m[1]!.slice(1, -1) : m[1]!;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw badRequest(`"${text.slice(0, 100)}": port ${port} is not 1-65535`);
  if (m[1]!.startsWith("[") ? isIP(host) !== 6 : !isIP(host) && !HOST_NAME.test(host))
    throw badRequest(`"${text.slice(0, 100)}": "${host}" is not a host name or an IP address`);
  return { host: normalHost(host), port };
}

/** The list as admins left it (empty: no outbound request is allowed beyond the built-in providers). */
export async function listOutboundAllowed(db: Db): Promise<OutboundEntry[]> {
  const row = await db.appSetting.findUnique({ where: { name: SETTING } });
  if (!row) return [];
  return row.value
    .split("\n")
    .filter(Boolean)
    .map((line) => parseOutboundEntry(line));
}

async function writeList(db: Db, actor: Actor, change: Record<string, string>, edit: (list: OutboundEntry[]) => OutboundEntry[]) {
  await db.$transaction(async (tx) => {
    // The row lock keeps two admins' edits from losing one another.
    await tx.$executeRaw`INSERT INTO app_settings (name, value, updated_at) VALUES (${SETTING}, '', now()) ON CONFLICT (name) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ value: string }[]>`SELECT value FROM app_settings WHERE name = ${SETTING} FOR UPDATE`;
    const list = (row?.value ?? "").split("\n").filter(Boolean).map(parseOutboundEntry);
    const next = edit(list);
    await tx.appSetting.update({ where: { name: SETTING }, data: { value: next.map(outboundEntryText).join("\n") } });
    await recordAudit(tx, actor, "setting", SETTING, change);
  });
}

/** Adds `host:port` (audited); throws BadRequest for a bad entry or a full list. Adding a listed entry changes nothing. */
export async function allowOutbound(db: Db, text: string, actor: Actor): Promise<OutboundEntry> {
  const entry = parseOutboundEntry(text);
  await writeList(db, actor, { add: outboundEntryText(entry) }, (list) => {
    if (list.some((e) => e.host === entry.host && e.port === entry.port)) return list;
    if (list.length >= OUTBOUND_MAX_ALLOWED) throw badRequest(`the outbound allow-list holds ${OUTBOUND_MAX_ALLOWED} entries, its limit`);
    return [...list, entry];
  });
  return entry;
}

/** Removes `host:port` (audited); returns false when it was not listed. */
export async function disallowOutbound(db: Db, text: string, actor: Actor): Promise<boolean> {
  const entry = parseOutboundEntry(text);
  let removed = false;
  await writeList(db, actor, { remove: outboundEntryText(entry) }, (list) => {
    const next = list.filter((e) => !(e.host === entry.host && e.port === entry.port));
    removed = next.length < list.length;
    return next;
  });
  return removed;
}

/** Addresses not on the public internet (IANA special-purpose registries): Node's own subnet matcher. */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, "ipv6");

/** True for an address that is not on the public internet: loopback, private, link-local, unique-local, CGNAT, multicast, reserved. */
export function isPrivateAddress(address: string): boolean {
  const a = normalHost(address);
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1, written ::ffff:7f00:1) is its IPv4 address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return NOT_PUBLIC.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, "ipv4");
  }
  return NOT_PUBLIC.check(a, isIP(a) === 6 ? "ipv6" : "ipv4");
}

/** How a name is resolved (every address, as the client will try them); replaced in tests. */
export type Resolver = (host: string) => Promise<string[]>;
const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((r) => r.address);

/**
 * Checks that the server may send requests to `url` (`what` names it in errors: "the model endpoint"). Passes when
 * the URL is http(s), its host:port is on the admins' list, and every address the host resolves to is public or itself
 * listed with that port. Throws HttpError BadRequest (400) naming the host and port and what to ask an admin.
 * The check is at the time of the call: follow the URL soon after, without redirects (they are not checked).
 */
export async function checkOutboundUrl(db: Db, url: string, what: string, resolve: Resolver = systemResolver): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badRequest(`${what} "${url.slice(0, 200)}" is not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw badRequest(`${what} must be an http or https URL, not ${u.protocol}`);
  if (u.username || u.password) throw badRequest(`${what} must not carry a user name or password in its URL`);
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname.toLowerCase();
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  const target = outboundEntryText({ host: normalHost(host), port });
  const list = await listOutboundAllowed(db);
  const listed = (h: string) => list.some((e) => e.host === h && e.port === port);
  const ask = "an admin can allow it under Outbound requests at /admin";
  if (!listed(normalHost(host))) throw badRequest(`${what} ${target} is not on the outbound allow-list; ${ask}`, { host: target });
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw badRequest(`${what} ${target}: the name ${host} does not resolve`, { host: target });
    }
  }
  for (const address of addresses) {
    const norm = normalHost(address);
    if (isPrivateAddress(norm) && !listed(norm))
      throw badRequest(
        `${what} ${target} resolves to ${norm}, a private or loopback address that is not on the outbound allow-list; ${ask}`,
        {
          host: target,
        },
      );
  }
}
