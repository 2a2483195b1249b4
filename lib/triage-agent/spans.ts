// Streams a run's trajectory to the app as it happens: each span is sent when it starts and again when it finishes.
import type { Span } from "@/lib/trajectory/span";

type Fields = Omit<Span, "Seq" | "Nesting" | "Type" | "Name" | "Started" | "Finished">;

export class SpanRecorder {
  private nextSeq = 0;
  private depth = 0;

  constructor(private readonly send: (span: Span) => Promise<void>) {}

  /**
   * Runs body inside a span at the current depth; spans body opens are its children. body may fill in the span
   * (Results, Reply, Error, tokens) before it finishes; a throw marks the span failed and passes through.
   */
  async span<T>(type: string, name: string, fields: Fields, body: (span: Span) => Promise<T>): Promise<T> {
    const span: Span = { Seq: this.nextSeq++, Nesting: this.depth, Type: type, Name: name, Started: new Date().toISOString(), ...fields };
    await this.send({ ...span });
    this.depth++;
    try {
      const value = await body(span);
      span.Finished = new Date().toISOString();
      return value;
    } catch (e) {
      span.Error ||= e instanceof Error ? e.message : String(e);
      span.Finished = new Date().toISOString();
      throw e;
    } finally {
      this.depth--;
      // The finish copy is sent even when body failed, so the stored trajectory shows where the run stopped.
      if (span.Finished) await this.send({ ...span });
    }
  }
}
