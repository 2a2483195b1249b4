// better-auth, set up for this app: email and password sign-in, sessions in PostgreSQL, a role on every user.
import { appConfig } from "@/lib/config";
import "server-only";
import { betterAuth } from "better-auth/minimal";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { db, type Db } from "@/lib/db/client";
import { authSecret } from "./secret";
import { clearOnSignIn, limitSignInAttempts } from "./sign-in-limit";

function createAuth(prisma: Db, secret: string) {
  return betterAuth({
    appName: "Trajectory viewer",
    secret,
    baseURL: appConfig().BETTER_AUTH_URL,
    // Without a configured URL, the app's own origin (as the request reached it) is the one it trusts.
    trustedOrigins: (request) => {
      const host = request?.headers.get("host");
      return host ? [`http://${host}`, `https://${host}`] : [];
    },
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    // Admins add people (npm run user:add, /admin); nobody signs themselves up.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10, maxPasswordLength: 256 },
    user: { additionalFields: { role: { type: "string", input: false, defaultValue: "viewer" } } },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    telemetry: { enabled: false },
    // better-auth's own limiter sees HTTP requests only; this one also counts the sign-in form's server action.
    hooks: { before: limitSignInAttempts, after: clearOnSignIn },
    // …so its own 3-per-10-seconds rule for that path would only count the HTTP half twice.
    rateLimit: { customRules: { "/sign-in/email": false } },
    // Lets server actions (the sign-in form) set the session cookie.
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { trajectoryAuth?: Promise<Auth> };

/** The process's better-auth instance; created on first use, once the signing secret is read from the database. */
export function getAuth(): Promise<Auth> {
  globalForAuth.trajectoryAuth ??= authSecret(db())
    .then((secret) => createAuth(db(), secret))
    .catch((error: unknown) => {
      globalForAuth.trajectoryAuth = undefined;
      throw error;
    });
  return globalForAuth.trajectoryAuth;
}
