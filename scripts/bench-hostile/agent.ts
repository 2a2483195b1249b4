// bench:hostile's agent-protocol requests (POST /api): the yardstick (a tiny poll), oversized and largest legal spans,
// junk fields, and ai_job_done with huge Results or hundreds of models.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { T, zeros, type BenchAgent, type Kind } from "./harness";

/** The largest agent span the caps take: Args of 999,000 one-letter strings (under MAX_JSON_VALUES) and a 3.5 MB Reply (under MAX_SPAN_BYTES). */
const largestSpan = (jobId: string) =>
  gzipSync(
    `{"AgentName":"a","JobID":"${jobId}","Span":{"Seq":1,"Nesting":0,"Type":"llm","Name":"t","Started":"${T}","Reply":"${"r".repeat(3_500_000)}","Args":{"Files":[${'"x",'.repeat(998_999)}"x"]}}}`,
  );

/** The yardstick, always first: a poll offering no workflow. */
export function tinyKind(agent: BenchAgent): Kind {
  const payload = JSON.stringify({ AgentName: "a", CodeRevision: "r", Workflows: [] });
  return { name: "tiny: poll offering no workflow", run: () => agent.call("ai_job_poll", payload) };
}

/** The agent protocol's hostile requests; payloads are built in prepare, outside the measurement. */
export function agentKinds(agent: BenchAgent): Kind[] {
  const { call, runningJob } = agent;
  let payload: Buffer | string = "";
  return [
    {
      name: "log: Span.Args of 9.9M zeros (19 KB gzip)",
      prepare: async () =>
        void (payload = gzipSync(
          `{"AgentName":"a","JobID":"${randomUUID()}","Span":{"Seq":1,"Nesting":0,"Type":"tool","Name":"t","Started":"${T}","Args":${zeros(9_900_000)}}}`,
        )),
      run: () => call("ai_trajectory_log", payload),
    },
    {
      name: "poll: junk field of 9.9M zeros",
      prepare: async () => void (payload = gzipSync(`{"AgentName":"a","CodeRevision":"r","Workflows":[],"Junk":${zeros(9_900_000)}}`)),
      run: () => call("ai_job_poll", payload),
    },
    {
      name: "log: Span.Args of 900K zeros (kept)",
      prepare: async () =>
        void (payload = gzipSync(
          `{"AgentName":"a","JobID":"${await runningJob()}","Span":{"Seq":1,"Nesting":0,"Type":"tool","Name":"t","Started":"${T}","Args":${zeros(900_000)}}}`,
        )),
      run: () => call("ai_trajectory_log", payload),
    },
    {
      name: "log: largest legal span (1M values, 7.5 MB)",
      prepare: async () => void (payload = largestSpan(await runningJob())),
      run: () => call("ai_trajectory_log", payload),
    },
    {
      name: "done: Results of 600K strings (7 MB)",
      prepare: async () =>
        void (payload = gzipSync(
          JSON.stringify({
            ID: await runningJob(),
            Error: "",
            Results: { Files: Array.from({ length: 600_000 }, (_, i) => `f${i}.c`), Ok: true },
          }),
        )),
      run: () => call("ai_job_done", payload),
    },
    {
      name: "done: a job of 400 distinct models",
      prepare: async () => {
        const job = await runningJob();
        payload = gzipSync(JSON.stringify({ ID: job, Error: "", Results: {} }));
        for (let i = 0; i < 400; i++) {
          const Model = `model-${i}-${randomUUID()}${randomUUID()}`;
          await call(
            "ai_trajectory_log",
            JSON.stringify({
              AgentName: "a",
              JobID: job,
              Span: { Seq: i, Nesting: 0, Type: "llm", Name: "m", Model, Started: T, Finished: T },
            }),
          );
        }
      },
      run: () => call("ai_job_done", payload),
    },
  ];
}
