// /api/<anything else>: a JSON 404 in the API's one error shape, instead of the site's HTML "not found" page.
import { route } from "@/lib/api/route";
import { notFound } from "@/lib/http/errors";

const none = route({ access: "public" }, async ({ req }) => {
  throw notFound(`no API route ${req.method} ${new URL(req.url).pathname.slice(0, 200)}`);
});

export const GET = none;
export const POST = none;
export const PUT = none;
export const PATCH = none;
export const DELETE = none;
