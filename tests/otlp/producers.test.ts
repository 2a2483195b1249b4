// Real OpenTelemetry producers from npm — the JS SDK's OTLP exporters (protobuf and JSON), the Vercel AI SDK's
// telemetry, OpenInference's OpenAI instrumentation around the openai client — sending over real HTTP to the real
// POST /v1/traces handler on a real PostgreSQL; a stand-in model server on loopback answers their model calls (a tool
// call first, then an answer). Each run's model, tokens (each call once), messages, tool calls and errors are checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { generateText, stepCountIs } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { z } from "zod";
import type OpenAI from "openai";
import { db } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { getTrajectory } from "@/lib/runs/export";
import { settleQuietTraces, traceJobId } from "@/lib/ingest/otlp-trace";
import { spanSchema, type Span } from "@/lib/trajectory/span";
import type { StandInModel } from "@/e2e/stand-in-model";
import { done, instrumentedOpenAI, openAiWeatherTool, provider, weatherModel, weatherTool } from "@/e2e/otel-producers";
import { receiverFixture } from "./receiver";

const rx = receiverFixture("otlp");
let model: StandInModel;
let modelUrl: string;

beforeAll(async () => {
  model = weatherModel();
  modelUrl = await model.start();
});
afterAll(() => model.stop());

async function runOf(traceId: string): Promise<{ job: Record<string, unknown>; spans: Span[] }> {
  await settleQuietTraces(0, 28_800);
  const id = traceJobId(traceId);
  const { rows } = await pool().query(
    `SELECT status::text, workflow, agent_name, error, input_tokens::int, output_tokens::int, thoughts_tokens::int, llm_calls, tool_calls FROM jobs WHERE id = $1`,
    [id],
  );
  // Read back through the span schema, as an import would: keys beyond the model land in Extra again.
  return { job: rows[0], spans: z.array(spanSchema).parse(JSON.parse((await getTrajectory(db(), id)) ?? "[]")) };
}

describe("OTLP producers", () => {
  it("the Vercel AI SDK's telemetry through the protobuf exporter: a tool call, then an answer; tokens of each model call once", async () => {
    const p = provider(
      new ProtoExporter({ url: `${rx.receiver.url}/v1/traces`, headers: { Authorization: rx.clients[0]!.basic } }),
      "weather-service",
    );
    const openai = createOpenAI({ baseURL: modelUrl, apiKey: "stand-in" });
    const n = model.requests.length;
    await generateText({
      model: openai.chat("gpt-stand-in"),
      system: "You are terse.",
      prompt: "Weather in Paris?",
      tools: { weather: weatherTool },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true, functionId: "weather-agent" },
    });
    await done(p);
    expect(p.traces.size).toBe(1);
    const { job, spans } = await runOf([...p.traces][0]!);
    expect(job.status).toBe("finished");
    expect(job.agent_name).toBe("weather-service");
    const shape = spans.map((s) => [s.Nesting, s.Type, s.Name]);
    expect(shape).toEqual([
      [0, "agent", "weather-agent"],
      [1, "llm", "weather-agent"],
      [1, "tool", "weather"],
      [1, "llm", "weather-agent"],
    ]);
    expect(job.workflow).toBe("weather-agent");
    const [agent, first, toolSpan, second] = spans;
    expect(first!.Model).toBe("gpt-stand-in");
    expect(first!.Instruction).toBe("You are terse.");
    expect(first!.Prompt).toBe("Weather in Paris?");
    expect(first!.Reply).toBe('→ weather({"city":"Paris"})');
    // The stand-in's first answer: 1100 in, 40 out of which 15 reasoning; the second 1200 in, 40 out.
    expect([first!.InputTokens, first!.OutputTokens, first!.OutputThoughtsTokens]).toEqual([1100 + 100 * n, 25, 15]);
    expect([second!.InputTokens, second!.OutputTokens]).toEqual([1200 + 100 * n, 40]);
    expect(second!.Reply).toBe("It is sunny in Paris.");
    expect(toolSpan!.Args).toEqual({ city: "Paris" });
    expect(toolSpan!.Results).toEqual({ city: "Paris", sky: "sunny" });
    // The outer call's sums are kept under the span, not counted again.
    expect(agent!.InputTokens).toBeUndefined();
    expect((agent!.Extra as { attributes: Record<string, unknown> }).attributes["ai.usage.inputTokens"]).toBe(2300 + 200 * n);
    expect([job.input_tokens, job.output_tokens, job.thoughts_tokens, job.llm_calls, job.tool_calls]).toEqual([
      2300 + 200 * n,
      65,
      15,
      2,
      1,
    ]);
  });
});

describe("OTLP producers: OpenInference and GenAI", () => {
  it("OpenInference's OpenAI instrumentation through the JSON exporter, inside a hand-made agent span with a tool span", async () => {
    const p = provider(
      new JsonExporter({ url: `${rx.receiver.url}/v1/traces`, headers: { Authorization: rx.clients[0]!.basic } }),
      "oi-service",
    );
    // The stand-in counts 1000 + 100 × (its requests so far) input tokens.
    const n = model.requests.length;
    const { openai, tracer } = instrumentedOpenAI(p, modelUrl);
    await tracer.startActiveSpan("weather-agent", { attributes: { "openinference.span.kind": "AGENT" } }, async (agent) => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Weather in Paris?" },
      ];
      const tools = [openAiWeatherTool];
      const first = await openai.chat.completions.create({ model: "gpt-stand-in", messages, tools });
      const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
      const result = await tracer.startActiveSpan(
        "weather",
        {
          attributes: {
            "openinference.span.kind": "TOOL",
            "tool.name": "weather",
            "input.value": call.function.arguments,
            "input.mime_type": "application/json",
          },
        },
        async (toolSpan) => {
          const out = JSON.stringify({ sky: "sunny" });
          toolSpan.setAttributes({ "output.value": out, "output.mime_type": "application/json", "my.unknown.attribute": "kept" });
          toolSpan.end();
          return out;
        },
      );
      messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: result });
      await openai.chat.completions.create({ model: "gpt-stand-in", messages });
      agent.end();
    });
    await done(p);
    const { job, spans } = await runOf([...p.traces][0]!);
    expect(job.status).toBe("finished");
    expect(job.workflow).toBe("weather-agent");
    expect(job.agent_name).toBe("oi-service");
    expect(spans.map((s) => [s.Nesting, s.Type, s.Name])).toEqual([
      [0, "agent", "weather-agent"],
      [1, "llm", "OpenAI Chat Completions"],
      [1, "tool", "weather"],
      [1, "llm", "OpenAI Chat Completions"],
    ]);
    const [, first, toolSpan, second] = spans;
    expect(first!.Model).toBe("gpt-stand-in");
    expect([first!.Instruction, first!.Prompt]).toEqual(["You are terse.", "Weather in Paris?"]);
    expect(first!.Reply).toBe('→ weather({"city":"Paris"})');
    expect([first!.InputTokens, first!.OutputTokens, first!.OutputThoughtsTokens]).toEqual([1100 + 100 * n, 25, 15]);
    expect(second!.Prompt).toMatch(/← call_\d+: \{"sky":"sunny"\}/);
    expect(second!.Reply).toBe("It is sunny in Paris.");
    expect(toolSpan!.Args).toEqual({ city: "Paris" });
    expect(toolSpan!.Results).toEqual({ sky: "sunny" });
    expect((toolSpan!.Extra as { attributes: Record<string, unknown> }).attributes).toEqual({ "my.unknown.attribute": "kept" });
    // The whole request and response an llm span carries are kept beside the messages read from them.
    expect(Object.keys((first!.Extra as { attributes: Record<string, unknown> }).attributes)).toEqual(
      expect.arrayContaining(["input.value", "output.value", "llm.invocation_parameters", "llm.token_count.total"]),
    );
    expect([job.input_tokens, job.output_tokens, job.thoughts_tokens]).toEqual([2300 + 200 * n, 65, 15]);
  });

  it("hand-made GenAI spans, current form and v1.36 events, with a failing tool: status and exception become the error", async () => {
    const p = provider(
      new ProtoExporter({ url: `${rx.receiver.url}/v1/traces`, headers: { Authorization: rx.clients[0]!.basic } }),
      "genai-service",
    );
    const tracer = p.getTracer("hand-made");
    const before = rx.receiver.requests;
    await tracer.startActiveSpan(
      "invoke_agent triage",
      { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "triage" } },
      async (agent) => {
        tracer
          .startSpan("chat gpt-x", {
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.request.model": "gpt-x",
              "gen_ai.response.model": "gpt-x-2026",
              "gen_ai.usage.input_tokens": 500,
              "gen_ai.usage.output_tokens": 70,
              "gen_ai.usage.reasoning.output_tokens": 20,
              "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: "Be careful." }]),
              "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Is the patch right?" }] }]),
              "gen_ai.output.messages": JSON.stringify([
                {
                  role: "assistant",
                  parts: [
                    { type: "reasoning", content: "Let me read it." },
                    { type: "tool_call", id: "c1", name: "read_file", arguments: { path: "a.c" } },
                  ],
                },
              ]),
            },
          })
          .end();
        const failing = tracer.startSpan("execute_tool read_file", {
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "read_file",
            "gen_ai.tool.call.id": "c1",
            "gen_ai.tool.call.arguments": '{"path":"a.c"}',
          },
        });
        failing.recordException(new Error("no such file: a.c"));
        failing.setStatus({ code: SpanStatusCode.ERROR, message: "read_file failed" });
        failing.end();
        const old = tracer.startSpan("chat gpt-old", {
          attributes: {
            "gen_ai.system": "openai",
            "gen_ai.request.model": "gpt-old",
            "gen_ai.usage.input_tokens": 10,
            "gen_ai.usage.output_tokens": 5,
          },
        });
        old.addEvent("gen_ai.system.message", { content: "Old system." });
        old.addEvent("gen_ai.user.message", { content: "Old question?" });
        old.addEvent("gen_ai.choice", { index: 0, finish_reason: "stop", message: JSON.stringify({ content: "Old answer." }) });
        old.addEvent("my.own.event", { detail: 1 });
        old.end();
        agent.end();
      },
    );
    await done(p);
    // One request per span, children before their parent.
    expect(rx.receiver.requests - before).toBe(4);
    const { job, spans } = await runOf([...p.traces][0]!);
    expect(job.workflow).toBe("triage");
    expect(spans.map((s) => [s.Nesting, s.Type, s.Name])).toEqual([
      [0, "agent", "triage"],
      [1, "llm", "chat gpt-x"],
      [1, "tool", "read_file"],
      [1, "llm", "chat gpt-old"],
    ]);
    const [, chat, failed, old] = spans;
    expect(chat).toMatchObject({
      Model: "gpt-x-2026",
      Instruction: "Be careful.",
      Prompt: "Is the patch right?",
      Thoughts: "Let me read it.",
    });
    expect(chat!.Reply).toBe('→ read_file({"path":"a.c"})');
    expect([chat!.InputTokens, chat!.OutputTokens, chat!.OutputThoughtsTokens]).toEqual([500, 50, 20]);
    expect((chat!.Extra as { attributes: Record<string, unknown> }).attributes).toEqual({ "gen_ai.request.model": "gpt-x" });
    expect(failed!.Args).toEqual({ path: "a.c" });
    expect(failed!.Error).toMatch(/^read_file failed\n\nError: no such file: a\.c\n/);
    // The SDK's stack trace starts with the exception's "Error: message": written once, not twice.
    expect(failed!.Error!.match(/no such file: a\.c/g)).toHaveLength(1);
    expect(old).toMatchObject({
      Model: "gpt-old",
      Instruction: "Old system.",
      Prompt: "Old question?",
      Reply: "Old answer.",
      InputTokens: 10,
      OutputTokens: 5,
    });
    expect((old!.Extra as { events: { name: string }[] }).events.map((e) => e.name)).toEqual(["my.own.event"]);
    expect(job.tool_calls).toBe(1);
  });
});
