// /api/auth/*: better-auth's own endpoints, so scripts can sign in over HTTP (POST /api/auth/sign-in/email) and use the cookie.
import { getAuth } from "@/lib/auth/auth";

async function handle(request: Request): Promise<Response> {
  return (await getAuth()).handler(request);
}

export { handle as GET, handle as POST };
