import { describe, expect, it } from "vitest";
import { readMultipart } from "@/lib/http/multipart";
import { HttpError } from "@/lib/http/errors";

const boundary = "b0undary";
function request(body: string): Request {
  return new Request("http://x/api", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body,
  });
}

describe("readMultipart", () => {
  it("a body cut off inside a bytes part is a 400, not an uncaught stream error", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n\x1f\x8b\x08partial`;
      const err = await readMultipart(
        request(body),
        { maxBytes: 1 << 20, maxFieldBytes: 1024, maxParts: 4, isBytes: (name) => name === "payload" },
        { bytes: (_n, _f, stream) => void stream.resume() },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).code).toBe("BadRequest");
      expect((err as HttpError).message).toMatch(/malformed multipart/);
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("reads a plain form field's bytes as bytes (Go's CreateFormField sends no filename)", async () => {
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n\x1f\x8b\r\n--${boundary}--\r\n`;
    const chunks: Buffer[] = [];
    await readMultipart(
      request(body),
      { maxBytes: 1 << 20, maxFieldBytes: 1024, maxParts: 4, isBytes: (name) => name === "payload" },
      { bytes: async (_n, _f, stream) => void (await stream.forEach((c: Buffer) => void chunks.push(c))) },
    );
    expect(Buffer.concat(chunks)).toEqual(Buffer.from("\x1f\x8b", "utf8"));
  });
});
