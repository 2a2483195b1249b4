// JSON answers of the history API: one error shape, { error: reason }, for every 4xx.
import { NextResponse } from "next/server";

export function jsonError(status: number, error: string): NextResponse {
  return NextResponse.json({ error }, { status });
}
