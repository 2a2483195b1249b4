// /api/auth/*: better-auth's own endpoints that scripts use — sign in over HTTP (POST /api/auth/sign-in/email) and
// use the cookie, sign out, read the session. Its other endpoints are not served (lib/auth/auth.ts says why).
import { route } from "@/lib/api/route";
import { getAuth, HTTP_AUTH_ENDPOINTS } from "@/lib/auth/auth";
import { notFound } from "@/lib/http/errors";
import { trimEnd } from "@/lib/text/trim";

// "public": better-auth checks its own sessions; the factory adds the write-origin check and the database-outage 503.
const handle = route({ access: "public" }, async ({ req }) => {
  const endpoint = `${req.method} ${trimEnd(new URL(req.url).pathname.replace(/^\/api\/auth/, ""), "/")}`;
  if (!HTTP_AUTH_ENDPOINTS.includes(endpoint)) {
    throw notFound(`not an endpoint of this app: ${endpoint.slice(0, 200)} (served: ${HTTP_AUTH_ENDPOINTS.join(", ")})`);
  }
  return (await getAuth()).handler(req);
});

export { handle as GET, handle as POST };
