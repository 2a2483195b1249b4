// OpenTelemetry into the built app: real producers from npm (the AI SDK's telemetry through the protobuf exporter,
// OpenInference's OpenAI instrumentation through the JSON exporter, a hand-made tool span), configured only by the two
// environment variables the README names, post to POST /v1/traces; each run opens in Chromium with its tree, details
// and cost. An attribute no convention reads, and a syzkaller span field this viewer does not know, show under the span.
// OTLP_SHOTS=<dir> saves screenshots of each producer's run there (tree, an llm and a tool step's details, cost tab; desktop and
// phone, light and dark).
import { expect, test, type Page } from "@playwright/test";
import { SpanStatusCode } from "@opentelemetry/api";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { generateText, stepCountIs } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import type OpenAI from "openai";
import { TestAgent } from "./agent-client";
import { withDb } from "./db";
import { importFile } from "./helpers";
import { done, instrumentedOpenAI, openAiWeatherTool, provider, weatherModel, weatherTool } from "./otel-producers";

const SHOTS = process.env.OTLP_SHOTS;

async function jobOf(traceId: string): Promise<string> {
  return withDb(async (db) => (await db.query(`SELECT id::text FROM jobs WHERE otlp_trace_id = $1`, [traceId])).rows[0].id);
}

/** The run's tree, an llm step's and a tool step's details, and the cost tab: desktop and phone, light and dark. */
async function shoot(page: Page, id: string, name: string, llmRow: number, toolRow: number) {
  if (!SHOTS) return;
  for (const theme of ["light", "dark"]) {
    await page.context().addCookies([{ name: "theme", value: theme, url: page.url() }]);
    for (const [w, h, size] of [
      [1440, 900, "desktop"],
      [390, 844, "phone"],
    ] as const) {
      const file = (what: string) => `${SHOTS}/otlp-${name}-${what}-${size}-${theme}.png`;
      await page.setViewportSize({ width: w, height: h });
      await page.goto(`/jobs/${id}`);
      await page.getByRole("button", { name: "Expand all" }).click();
      await page.getByTestId("trajectory").scrollIntoViewIfNeeded();
      await page.screenshot({ path: file("tree") });
      for (const [row, what] of [
        [llmRow, "llm"],
        [toolRow, "tool"],
      ] as const) {
        await page.locator(`[data-span-row="${row}"]`).click();
        await expect(page.getByTestId(`span-fields-${row}`)).toBeVisible();
        await page.getByTestId("details").scrollIntoViewIfNeeded();
        await page.screenshot({ path: file(what), fullPage: size === "desktop" });
      }
      await page.getByRole("tab", { name: "Cost and time" }).click();
      await expect(page.getByTestId("cost").getByTestId("totals")).toBeVisible();
      await page.screenshot({ path: file("cost") });
    }
  }
}

test("real OpenTelemetry producers report runs; unread attributes and unknown span fields show under the span", async ({
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const agent = await TestAgent.create(baseURL!, `otel-${Date.now()}`);
  // Exactly what the README tells a user to set.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = baseURL!;
  process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Basic%20${Buffer.from(`${agent.client}:${agent.key}`).toString("base64")}`;
  const model = weatherModel();
  const modelUrl = await model.start();
  try {
    // The Vercel AI SDK.
    const aiSdk = provider(new ProtoExporter(), "ai-sdk-agent");
    await generateText({
      model: createOpenAI({ baseURL: modelUrl, apiKey: "stand-in" }).chat("gpt-stand-in"),
      system: "You are terse.",
      prompt: "Weather in Paris?",
      tools: { weather: weatherTool },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true, functionId: "weather-agent" },
    });
    await done(aiSdk);
    // OpenInference around the openai client, with a hand-made tool span carrying an attribute nobody reads.
    const oi = provider(new JsonExporter(), "oi-agent");
    const { openai, tracer } = instrumentedOpenAI(oi, modelUrl);
    await tracer.startActiveSpan("weather-agent", { attributes: { "openinference.span.kind": "AGENT" } }, async (root) => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
      const first = await openai.chat.completions.create({
        model: "gpt-stand-in",
        messages,
        tools: [openAiWeatherTool],
      });
      const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
      tracer
        .startSpan("weather", {
          attributes: {
            "openinference.span.kind": "TOOL",
            "tool.name": "weather",
            "input.value": call.function.arguments,
            "output.value": '{"sky":"sunny"}',
            "weather.station": "unread-station-LFPG",
          },
        })
        .end();
      messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: '{"sky":"sunny"}' });
      await openai.chat.completions.create({ model: "gpt-stand-in", messages });
      root.end();
    });
    await done(oi);
    // Hand-made GenAI spans (current conventions): an agent, a model call asking for a tool, the tool failing.
    const genai = provider(new ProtoExporter(), "genai-agent");
    const hand = genai.getTracer("hand-made");
    await hand.startActiveSpan(
      "invoke_agent triage",
      { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "triage" } },
      async (root) => {
        hand
          .startSpan("chat gpt-x", {
            attributes: {
              "gen_ai.operation.name": "chat",
              "gen_ai.request.model": "gpt-x",
              "gen_ai.usage.input_tokens": 500,
              "gen_ai.usage.output_tokens": 70,
              "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Is the patch right?" }] }]),
              "gen_ai.output.messages": JSON.stringify([
                { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "read_file", arguments: { path: "a.c" } }] },
              ]),
            },
          })
          .end();
        const failing = hand.startSpan("execute_tool read_file", {
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "read_file",
            "gen_ai.tool.call.id": "c1",
            "gen_ai.tool.call.arguments": '{"path":"a.c"}',
            "triage.attempt": 2,
          },
        });
        failing.recordException(new Error("no such file: a.c"));
        failing.setStatus({ code: SpanStatusCode.ERROR, message: "read_file failed" });
        failing.end();
        root.end();
      },
    );
    await done(genai);

    const aiRun = await jobOf([...aiSdk.traces][0]!);
    const oiRun = await jobOf([...oi.traces][0]!);
    const genaiRun = await jobOf([...genai.traces][0]!);
    await page.goto(`/jobs/${oiRun}`);
    await expect(page.locator("[data-trajectory] [data-span-row]")).toHaveCount(4);
    await page.locator('[data-span-row="2"]').click();
    const extra = page.getByTestId("span-extra");
    await expect(extra).toContainText("Other fields");
    await expect(extra).toContainText("weather.station");
    await expect(extra).toContainText("unread-station-LFPG");
    await page.goto(`/jobs/${genaiRun}`);
    await page.locator('[data-span-row="2"]').click();
    await expect(page.getByTestId("span-fields-2")).toContainText("no such file: a.c");
    await expect(page.getByTestId("span-extra")).toContainText("triage.attempt");
    await page.goto(`/jobs/${aiRun}`);
    await expect(page.locator("[data-trajectory] [data-span-row]")).toHaveCount(4);
    // Model calls named by the function id (the agent), not "ai.generateText.doGenerate"; a reply that is only a tool
    // call is not repeated beside the call's name.
    await expect(page.locator('[data-span-row="1"]')).toContainText("weather-agent");
    await expect(page.locator('[data-span-row="1"]')).toContainText("→ weather");
    await expect(page.locator('[data-span-row="1"] [data-summary]')).toHaveCount(0);
    await page.locator('[data-span-row="3"]').click();
    await expect(page.getByTestId("span-fields-3")).toContainText("It is sunny in Paris.");

    // A syzkaller span field this viewer does not know: stored, shown, and in the exported trajectory.
    const t = (s: number) => `2026-06-29T12:05:0${s}Z`;
    const job = await importFile(
      request,
      "unknown-field.json",
      JSON.stringify([
        { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0), Finished: t(9) },
        { Seq: 1, Nesting: 1, Type: "llm", Name: "evaluator", Started: t(1), Finished: t(2), InputTokens: 5, CachedTokens: 4242 },
      ]),
    );
    await page.goto(`/jobs/${job.id}`);
    await page.locator('[data-span-row="1"]').click();
    await expect(page.getByTestId("span-extra")).toContainText("CachedTokens");
    await expect(page.getByTestId("span-extra")).toContainText("4242");
    const exported = await (await request.get(`/api/jobs/${job.id}/trajectory`)).json();
    expect(exported[1]).toEqual({
      Seq: 1,
      Nesting: 1,
      Type: "llm",
      Name: "evaluator",
      Started: t(1),
      Finished: t(2),
      InputTokens: 5,
      CachedTokens: 4242,
    });

    if (SHOTS) {
      // Settled runs (OTLP_TRACE_QUIET_SECONDS after their last span) for the pictures.
      await expect
        .poll(async () => (await (await request.get(`/api/jobs/${genaiRun}`)).json()).status, { timeout: 30_000 })
        .toBe("finished");
      await shoot(page, aiRun, "ai-sdk", 1, 2);
      await shoot(page, oiRun, "openinference", 1, 2);
      await shoot(page, genaiRun, "genai", 1, 2);
    }
  } finally {
    await model.stop();
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
  }
});

test("an OpenTelemetry run has no workflow results: its verdict card says so and jumps to the final LLM output", async ({
  page,
  request,
}) => {
  const tag = `otlp-final-${Date.now()}`;
  const traceId = Buffer.from(tag.padEnd(16, "x").slice(-16)).toString("hex");
  const at = (ms: number) => String(1_796_000_000_000_000_000n + BigInt(ms) * 1_000_000n);
  const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const chat = (spanId: string, from: number, reply: string) => ({
    traceId,
    spanId,
    parentSpanId: "00000000000000a1",
    name: "chat gpt-x",
    startTimeUnixNano: at(from),
    endTimeUnixNano: at(from + 5),
    attributes: [
      attr("gen_ai.operation.name", "chat"),
      attr("gen_ai.request.model", "gpt-x"),
      attr("gen_ai.output.messages", JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: reply }] }])),
    ],
  });
  const otlp = {
    resourceSpans: [
      {
        resource: { attributes: [attr("service.name", tag)] },
        scopeSpans: [
          {
            scope: { name: "hand-made" },
            spans: [
              {
                traceId,
                spanId: "00000000000000a1",
                name: "invoke_agent triage",
                startTimeUnixNano: at(0),
                endTimeUnixNano: at(30),
                attributes: [attr("gen_ai.operation.name", "invoke_agent"), attr("gen_ai.agent.name", "triage")],
              },
              chat("00000000000000b1", 1, "first thoughts"),
              chat("00000000000000b2", 10, `final answer ${tag}`),
            ],
          },
        ],
      },
    ],
  };
  const job = await importFile(request, `${tag}.json`, JSON.stringify(otlp));
  await page.goto(`/jobs/${job.id}`);
  const verdict = page.getByTestId("verdict");
  await expect(verdict.getByTestId("otlp-output")).toContainText("OpenTelemetry");
  await expect(verdict).not.toContainText("No results recorded");
  await verdict.getByTestId("otlp-final-output").click();
  await expect(page.getByTestId("details")).toContainText(`final answer ${tag}`);
  await expect(page).toHaveURL(/#span-\d+$/);
});
