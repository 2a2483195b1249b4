// Turns shared between parties (lib/fair-turns.ts): the party holding fewest goes first; of equals, the one served
// longest ago (never served first), then the earliest come.
import { describe, expect, it } from "vitest";
import { FairTurns } from "@/lib/fair-turns";

describe("fair turns", () => {
  it("serves the party holding fewest, then of equals the one served longest ago, so a newcomer is not queued behind a flood", async () => {
    const turns = new FairTurns(1, 1);
    const order: string[] = [];
    const releases: (() => void)[] = [];
    const ask = (key: string) =>
      void turns.take(key).then((release) => {
        order.push(key);
        releases.push(release);
      });
    const next = async () => {
      releases.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    };
    // A, B and C are each served once, in the order they came.
    for (const key of ["A", "B", "C"]) ask(key);
    await new Promise((r) => setTimeout(r, 0));
    await next();
    await next();
    // While C holds the turn, the flood comes back (B, A, B, A) and then a newcomer N: N goes first (never served),
    // then A, served longer ago than B though B came first, and so on (first come would have served N last).
    for (const key of ["B", "A", "B", "A", "N"]) ask(key);
    for (let i = 0; i < 5; i++) await next();
    expect(order).toEqual(["A", "B", "C", "N", "A", "B", "A", "B"]);
    expect(turns.pendingFor("A")).toBe(0);
    expect(turns.pending).toBe(0);
  });
});
