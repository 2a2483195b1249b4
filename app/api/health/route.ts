// GET /api/health: liveness (the process answers; no database). GET /api/health?ready=1: readiness (the database
// answers and every migration of this build is applied), 503 otherwise. No sign-in; nothing but the state.
import { route } from "@/lib/api/route";
import { readiness } from "@/lib/db/health";

const noStore = { "Cache-Control": "no-store" };

export const GET = route({ access: "public" }, async ({ req }) => {
  if (new URL(req.url).searchParams.get("ready") === null) return Response.json({ status: "live" }, { headers: noStore });
  const r = await readiness();
  return r.ready
    ? Response.json({ status: "ready" }, { headers: noStore })
    : Response.json({ status: "not ready", reason: r.reason }, { status: 503, headers: { ...noStore, "retry-after": "2" } });
});
