// The committed protobufjs descriptor (lib/otlp/proto/otlp.json) is what the official .proto files parse to
// (`npm run otlp:proto` writes it).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { otlpDescriptorJson } from "@/lib/otlp/proto-source";

describe("OTLP definitions", () => {
  it("otlp.json is generated from the .proto files as committed", () => {
    expect(readFileSync("lib/otlp/proto/otlp.json", "utf8")).toBe(otlpDescriptorJson());
  });
});
