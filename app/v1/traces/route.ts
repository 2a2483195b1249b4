// POST /v1/traces: OTLP/HTTP traces (lib/otlp/handler.ts). A standard exporter pointed at the app's base URL
// (OTEL_EXPORTER_OTLP_ENDPOINT) posts here. "public": the handler authenticates the agent client's key from the
// Authorization header itself, before reading the body. outsideProxy: proxy.ts does not run for this route (it would
// buffer the body and cut it at 10 MB), so route() checks the Host.
import { postOnly, route } from "@/lib/api/route";
import { handleOtlpRequest } from "@/lib/otlp/handler";

export const POST = route({ access: "public", errors: "text", outsideProxy: true }, ({ req }) => handleOtlpRequest(req));
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = postOnly("text");
