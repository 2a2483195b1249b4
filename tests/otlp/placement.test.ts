// A large trace's spans are placed after the request (lib/ingest/otlp-place.ts): past OTLP_PLACE_IN_REQUEST_MAX_SPANS a
// request only writes what it received, so its work does not grow with the trace (one span into a 100,000-span trace
// read and re-ordered all of them); within seconds the spans are placed as if the trace had been sent at once.
import { describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { settleQuietTraces, traceJobId } from "@/lib/ingest/otlp-trace";
import { MAX_NESTING, OTLP_MAX_SPANS_PER_REQUEST, OTLP_PLACE_IN_REQUEST_MAX_SPANS } from "@/lib/limits";
import type { ExportTraceRequest, OtlpSpan } from "@/lib/otlp/wire";
import { orderByParent } from "@/lib/trajectory/tree";
import { hex, receiverFixture, T0 } from "./receiver";

const rx = receiverFixture("otlp-place");
const ns = (ms: number) => T0 + BigInt(ms) * 1_000_000n;

function span(traceId: string, spanId: string, parent: string | null, name: string, startMs: number, ended = true): OtlpSpan {
  return {
    traceId,
    spanId,
    parentSpanId: parent ?? "",
    name,
    kind: 1,
    startTimeUnixNano: String(ns(startMs)),
    ...(ended ? { endTimeUnixNano: String(ns(startMs + 1)) } : {}),
  };
}

async function post(spans: OtlpSpan[]) {
  const body: ExportTraceRequest = { resourceSpans: [{ scopeSpans: [{ scope: { name: "t" }, spans }] }] };
  const res = await rx.post(JSON.stringify(body), { "content-type": "application/json", authorization: rx.clients[0]!.bearer });
  return { status: res.status, body: JSON.parse(res.text.toString()) as { partialSuccess?: { rejectedSpans?: string } } };
}

/** Each stored span's place by its OTLP id, and whether any waits. */
async function places(traceId: string) {
  const { rows } = await pool().query<{
    span_id: string;
    seq: number | null;
    nesting: number | null;
    parent_seq: number | null;
    name: string | null;
  }>(
    `SELECT o.span_id, s.seq, s.nesting, s.parent_seq, s.name FROM otlp_spans o LEFT JOIN spans s ON s.job_id = o.job_id AND s.seq = o.seq
     WHERE o.job_id = $1`,
    [traceJobId(traceId)],
  );
  const waiting = (
    await pool().query<{ waiting: boolean; spans: number }>(
      `SELECT otlp_pending_since IS NOT NULL AS waiting, (SELECT count(*)::int FROM spans WHERE job_id = $1) AS spans FROM jobs WHERE id = $1`,
      [traceJobId(traceId)],
    )
  ).rows[0]!;
  return { byId: new Map(rows.map((r) => [r.span_id, r])), ...waiting };
}

async function untilPlaced(traceId: string) {
  for (let i = 0; i < 600; i++) {
    if (!(await places(traceId)).waiting) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the trace's spans were not placed within 60 s");
}

describe("placing a large trace's spans after the request", () => {
  it("past the in-request size, a request writes its spans waiting; they are then placed as the whole trace sent at once", async () => {
    const traceId = hex(16);
    const root = hex(8);
    // A root with OTLP_PLACE_IN_REQUEST_MAX_SPANS - 1 children: placed in the requests, which stay within the size.
    const sent = [span(traceId, root, null, "invoke_agent big", 0, false)];
    for (let i = 1; i < OTLP_PLACE_IN_REQUEST_MAX_SPANS; i++) sent.push(span(traceId, hex(8), root, `step ${i}`, 10 + i));
    for (let i = 0; i < sent.length; i += OTLP_MAX_SPANS_PER_REQUEST) {
      expect((await post(sent.slice(i, i + OTLP_MAX_SPANS_PER_REQUEST))).status).toBe(200);
    }
    const before = await places(traceId);
    expect(before).toMatchObject({ waiting: false, spans: OTLP_PLACE_IN_REQUEST_MAX_SPANS });
    const firstStep = sent[1]!.spanId;
    expect(before.byId.get(firstStep)).toMatchObject({ seq: 1, nesting: 1 });

    // Past the size: an orphan whose parent comes later, a span that started before every step (all of them move one
    // down once placed), its child, and one step sent again under a new name.
    const early = hex(8);
    const late = hex(8);
    const batch = [
      span(traceId, hex(8), late, "orphan", 50_000),
      span(traceId, early, root, "early", 5),
      span(traceId, hex(8), early, "early child", 6),
      { ...sent[3]!, name: "step 3 again" },
    ];
    expect((await post(batch)).status).toBe(200);
    const waiting = await places(traceId);
    // The request placed nothing: no step moved, the new spans wait without a place, the step sent again keeps its old copy.
    expect(waiting.waiting).toBe(true);
    expect(waiting.spans).toBe(OTLP_PLACE_IN_REQUEST_MAX_SPANS);
    expect(waiting.byId.get(firstStep)).toMatchObject({ seq: 1, nesting: 1 });
    expect(waiting.byId.get(early)?.seq).toBeNull();
    expect(waiting.byId.get(sent[3]!.spanId)?.name).toBe("step 3");

    const parent = span(traceId, late, root, "late parent", 49_999);
    expect((await post([parent])).status).toBe(200);
    await untilPlaced(traceId);

    // As orderByParent places the whole trace: every span once, at its seq, nesting and parent.
    const all = [...sent.filter((s) => s.spanId !== sent[3]!.spanId), ...batch, parent];
    const expected = orderByParent(
      all.map((s) => ({
        id: s.spanId,
        parent: s.parentSpanId || null,
        start: BigInt(s.startTimeUnixNano),
        end: s.endTimeUnixNano ? BigInt(s.endTimeUnixNano) : null,
      })),
    );
    const placed = await places(traceId);
    expect(placed.spans).toBe(all.length);
    for (const [id, o] of expected) {
      expect(placed.byId.get(id), id).toMatchObject({ seq: o.seq, nesting: o.nesting, parent_seq: o.parentSeq });
    }
    expect(placed.byId.get(firstStep)).toMatchObject({ seq: 3, nesting: 1 });
    expect(placed.byId.get(sent[3]!.spanId)?.name).toBe("step 3 again");
    expect(placed.byId.get(batch[0]!.spanId)).toMatchObject({ nesting: 2, name: "orphan" });
    const rows = await pool().query(`SELECT count(*)::int AS n FROM otlp_spans WHERE job_id = $1 AND row IS NOT NULL`, [
      traceJobId(traceId),
    ]);
    expect(rows.rows[0].n).toBe(0);

    // A chain past MAX_NESTING sent after the request answered is not refused: its span too deep starts a root.
    const chain: OtlpSpan[] = [];
    let up = root;
    for (let i = 0; i <= MAX_NESTING; i++) {
      const id = hex(8);
      chain.push(span(traceId, id, up, `link ${i}`, 60_000 + i));
      up = id;
    }
    for (let i = 0; i < chain.length; i += OTLP_MAX_SPANS_PER_REQUEST) {
      expect((await post(chain.slice(i, i + OTLP_MAX_SPANS_PER_REQUEST))).body.partialSuccess).toBeUndefined();
    }
    await untilPlaced(traceId);
    const deep = await places(traceId);
    expect(deep.byId.get(chain.at(-2)!.spanId)?.nesting).toBe(MAX_NESTING);
    expect(deep.byId.get(chain.at(-1)!.spanId)).toMatchObject({ nesting: 0, parent_seq: null });

    // Settling places what still waits before it reads the root's end; the totals count every span once.
    const last = span(traceId, hex(8), root, "last step", 70_000);
    expect((await post([last, { ...sent[0]!, endTimeUnixNano: String(ns(80_000)) }])).status).toBe(200);
    const job = async () => (await pool().query(`SELECT status::text, span_count FROM jobs WHERE id = $1`, [traceJobId(traceId)])).rows[0];
    // A placement under way holds the run's row: the settle skips it and comes again, as its timer does.
    for (let i = 0; i < 100 && (await settleQuietTraces(0, 28_800)).settled.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await job()).toEqual({ status: "finished", span_count: all.length + chain.length + 1 });
    expect((await places(traceId)).waiting).toBe(false);
  }, 180_000);
});
