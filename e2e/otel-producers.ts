// The real OpenTelemetry producers' setup, shared by the producer tests (tests/otlp/producers.test.ts) and the
// end-to-end test (e2e/otlp.spec.ts): a registered tracer provider with an exporter from npm, the weather script the
// stand-in model plays (a tool call first, then an answer), the AI SDK's weather tool and OpenInference's OpenAI
// instrumentation around the openai client. Written once so both tests drive the producers the same way.
import { context, trace } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { tool } from "ai";
import { z } from "zod";
import OpenAI from "openai";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { StandInModel } from "./stand-in-model";

/** A tracer provider that also collects the trace ids (hex) of the spans it started. */
export type RecordingProvider = NodeTracerProvider & { traces: Set<string> };

/**
 * A registered tracer provider exporting each span as it ends (children before parents, as exporters do) through
 * `exporter`, with `service.name` = `service`; `traces` collects the trace ids of its spans.
 */
export function provider(exporter: SpanExporter, service: string): RecordingProvider {
  const traces = new Set<string>();
  const recorder: SpanProcessor = {
    onStart: (span) => void traces.add(span.spanContext().traceId),
    onEnd: () => {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const p = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [recorder, new SimpleSpanProcessor(exporter)],
  });
  p.register();
  return Object.assign(p, { traces });
}

/** Sends what `p` still holds, shuts it down and unregisters the global tracer and context, so the next provider starts clean. */
export async function done(p: NodeTracerProvider): Promise<void> {
  await p.forceFlush();
  await p.shutdown();
  trace.disable();
  context.disable();
}

/**
 * The stand-in model both tests talk to (not started): asked first, it calls `weather` for Paris; once a tool result
 * is in the conversation, it answers "It is sunny in Paris.".
 */
export function weatherModel(): StandInModel {
  return new StandInModel((req) =>
    req.messages.some((m) => m.role === "tool") ? { text: "It is sunny in Paris." } : { calls: [["weather", { city: "Paris" }]] },
  );
}

/** The AI SDK tool the weather agent calls: `{ city }` → `{ city, sky: "sunny" }`. */
export const weatherTool = tool({
  description: "the weather in a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: "sunny" }),
});

/** The same tool as the OpenAI chat API declares it. */
export const openAiWeatherTool: OpenAI.ChatCompletionTool = {
  type: "function",
  function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

/**
 * An openai client on `modelUrl` whose calls OpenInference's instrumentation traces through `p`, with `p`'s tracer
 * named "hand-made" for the spans a test makes itself around them.
 */
export function instrumentedOpenAI(p: NodeTracerProvider, modelUrl: string) {
  const instrumentation = new OpenAIInstrumentation();
  instrumentation.setTracerProvider(p);
  instrumentation.manuallyInstrument(OpenAI);
  return { openai: new OpenAI({ baseURL: modelUrl, apiKey: "stand-in" }), tracer: p.getTracer("hand-made") };
}
