// The official OTLP definitions parsed by protobufjs's own .proto parser: the source of lib/otlp/proto/otlp.json
// (scripts/otlp-proto.ts writes it; a test checks the committed file is what the .proto files give).
import path from "node:path";
import protobuf from "protobufjs";

/** The .proto files under lib/otlp/proto, opentelemetry-proto v1.11.0 (copied unchanged from the official repository). */
export const OTLP_PROTO_FILES = ["opentelemetry/proto/collector/trace/v1/trace_service.proto"];

/** protobufjs's JSON descriptor of the OTLP trace service and everything it imports, as text with a final newline. */
export function otlpDescriptorJson(protoDir = path.resolve(import.meta.dirname, "proto")): string {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoDir, target);
  root.loadSync(OTLP_PROTO_FILES);
  return `${JSON.stringify(root.toJSON(), null, 1)}\n`;
}
