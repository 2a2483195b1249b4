// `npm run otlp:proto`: turns the official OTLP .proto files (lib/otlp/proto/opentelemetry/…, opentelemetry-proto
// v1.11.0, copied unchanged) into protobufjs's JSON descriptor lib/otlp/proto/otlp.json, which lib/otlp/wire.ts loads
// (a JSON import bundles everywhere; .proto text would need a file read at run time). tests/otlp checks it is current.
import { writeFileSync } from "node:fs";
import { otlpDescriptorJson } from "@/lib/otlp/proto-source";

writeFileSync("lib/otlp/proto/otlp.json", otlpDescriptorJson());
console.log("wrote lib/otlp/proto/otlp.json");
