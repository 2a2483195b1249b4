// The one way an API route is written: who may call it, its params/query/body checked with zod, and every failure
// answered in one shape (lib/http/errors.ts) — the database's outage as 503 included. Route files stay a few lines.
import "server-only";
import { z } from "zod";
import { authorize, type Access } from "@/lib/auth/session";
import type { Viewer } from "@/lib/auth/session";
import { readBodyCapped } from "@/lib/http/body";
import { badRequest, errorResponse, textErrorResponse, tooLarge } from "@/lib/http/errors";
import { parseJson } from "@/lib/trajectory/raw-json";
import { describeProblem } from "@/lib/trajectory/storable";
import { checkHost, failureOf, otherMethod } from "./rules";

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  /** who may call it: "public" (anyone), or the least role ("viewer" also lets anonymous readers and agent keys read) */
  access: Access;
  /** the dynamic segments, e.g. z.object({ id: runId }) */
  params?: P;
  /** the URL query, as an object of its first values */
  query?: Q;
  /** a JSON body and its size cap in bytes */
  body?: { schema: NonNullable<B>; maxBytes: number };
  /** "json" (default): { error, code, … }; "text": the reason as plain text (the agent protocol) */
  errors?: "json" | "text";
  /** true for a route proxy.ts does not run for (its matcher says why): the Host is then checked here, first */
  outsideProxy?: boolean;
}

export interface RouteContext<P, Q, B> {
  req: Request;
  params: P;
  query: Q;
  body: B;
  /** the signed-in user; null for anonymous readers, agent keys and public routes */
  user: Viewer | null;
}

/** "id: not a run id (expected a UUID)": the first problem zod found, with where. */
export function describeZodError(error: z.ZodError, root = "body"): string {
  const issue = error.issues[0]!;
  return `${issue.path.length ? issue.path.join(".") : root}: ${issue.message}`;
}

function parseWith<S extends Schema>(schema: S, value: unknown, root: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(describeZodError(r.error, root));
  return r.data;
}

/**
 * The body as JSON, bounded by its work as well as its bytes: values, keys and nesting are counted in one scan before
 * anything is built (lib/trajectory/raw-json.ts parseJson, MAX_JSON_VALUES etc.). 400 for JSON that does not parse or
 * nests too deep, 413 past a count, each naming what.
 */
async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  const text = (await readBodyCapped(req, maxBytes, "body")).toString("utf8");
  const parsed = parseJson(text, { per: "in the body" });
  if (parsed.ok) return parsed.value;
  if (parsed.syntax) throw badRequest("body: not valid JSON");
  const reason = `body: ${describeProblem(parsed.problem)}`;
  throw parsed.tooLarge ? tooLarge(reason) : badRequest(reason);
}

/** The answer to a failure: its own status, 503 while the database is away or a query hit its time limit, else rethrown (a bug: 500). */
export function failureResponse(e: unknown, errors: "json" | "text" = "json"): Response {
  const failure = failureOf(e);
  return errors === "text" ? textErrorResponse(failure) : errorResponse(failure);
}

/**
 * A Next route handler from a spec and a handler. The handler returns a Response, or a value sent as JSON;
 * it throws HttpError (lib/http/errors.ts) for the user's mistakes.
 */
export function route<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(
  spec: RouteSpec<P, Q, B>,
  handler: (ctx: RouteContext<Out<P>, Out<Q>, Out<B>>) => Promise<Response | object>,
): (req: Request, segment: { params: Promise<Record<string, string | string[]>> }) => Promise<Response> {
  return async (req, segment) => {
    try {
      if (spec.outsideProxy) checkHost(req.headers.get("host"));
      const user = await authorize(req, spec.access);
      const params = (spec.params ? parseWith(spec.params, await segment?.params, "params") : undefined) as Out<P>;
      const query = (spec.query ? parseWith(spec.query, Object.fromEntries(new URL(req.url).searchParams), "query") : undefined) as Out<Q>;
      const body = (spec.body ? parseWith(spec.body.schema, await readJson(req, spec.body.maxBytes), "body") : undefined) as Out<B>;
      const out = await handler({ req, params, query, body, user });
      return out instanceof Response ? out : Response.json(out);
    } catch (e) {
      return failureResponse(e, spec.errors);
    }
  };
}

/** The methods a route file may leave out; Next answers those with an empty 405 of its own, before any check. */
const OTHER_METHODS = ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type OtherMethod = (typeof OTHER_METHODS)[number];

/**
 * Handlers for every method of a POST-only route but POST, for a route proxy.ts skips (outsideProxy), where Next's own
 * 405 would answer any Host: the Host is checked first (421), then 405 with `Allow: POST` and the reason in the
 * route's error shape; OPTIONS answers 204 with `Allow`. Use: `export const { GET, HEAD, … } = postOnly("text")`.
 */
export function postOnly(errors: "json" | "text" = "json"): Record<OtherMethod, (req: Request) => Promise<Response>> {
  const allow = ["POST"] as const;
  const answer = async (req: Request): Promise<Response> => {
    try {
      checkHost(req.headers.get("host"));
      const { status, allow: allowed } = otherMethod(req.method, allow);
      return new Response(null, { status, headers: { allow: allowed } });
    } catch (e) {
      return failureResponse(e, errors);
    }
  };
  return Object.fromEntries(OTHER_METHODS.map((m) => [m, answer])) as Record<OtherMethod, typeof answer>;
}
