import * as fs from 'fs';
import { traceRequestMethod, type TraceParams, type TraceResponse } from '../../common/traceProtocol';
import type { Dump } from './dumps';
import {
  completionProbes,
  definitionProbes,
  hoverProbes,
  lastServicePacket,
  spreadRuleLines,
  type Position,
} from './dumpProbes';
import type { LspSession } from './lspSession';
import { median, percentile } from './stats';

/** Latencies of one request kind, client-side round trips over stdio. */
export interface LatencyResult {
  readonly request: string;
  /** The first request of its kind (may build per-document indexes), not among the samples. */
  readonly firstMs: number;
  readonly count: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** How many answers were empty (null / []), to show the probes hit something. */
  readonly empty: number;
  /** Every round trip in the order sent (ms, two decimals), to see when the slow ones came. */
  readonly samplesMs: readonly number[];
}

function isEmpty(result: unknown): boolean {
  return result === null || result === undefined || (Array.isArray(result) && result.length === 0);
}

async function measureRequests(
  session: LspSession,
  request: string,
  paramsList: readonly unknown[],
): Promise<LatencyResult> {
  const first = await session.timedRequest(request, paramsList[0]);
  const samples: number[] = [];
  let empty = 0;
  for (const params of paramsList.slice(1)) {
    const { ms, result } = await session.timedRequest(request, params);
    samples.push(ms);
    if (isEmpty(result)) empty++;
  }
  return {
    request,
    firstMs: first.ms,
    count: samples.length,
    medianMs: median(samples),
    p90Ms: percentile(samples, 90),
    p99Ms: percentile(samples, 99),
    maxMs: Math.max(...samples),
    empty,
    samplesMs: samples.map((ms) => Math.round(ms * 100) / 100),
  };
}

/**
 * Hover, definition and completion at `positions` + 1 rule lines spread over the whole file (the
 * first one is the excluded warm-up), and code lens and document symbols (whole-document requests;
 * the protocol gives them no range) `wholeDocumentRuns` + 1 times. The document must be open and parsed.
 */
export async function measureEditorRequests(
  session: LspSession,
  dump: Dump,
  positions: number,
  wholeDocumentRuns: number,
): Promise<LatencyResult[]> {
  const lines = fs.readFileSync(dump.file, 'utf8').split('\n');
  const uri = `file://${dump.file}`;
  const ruleLines = spreadRuleLines(lines, positions + 1);
  const at = (probes: Position[]) => probes.map((position) => ({ textDocument: { uri }, position }));
  const whole = Array.from({ length: wholeDocumentRuns + 1 }, () => ({ textDocument: { uri } }));
  return [
    await measureRequests(session, 'textDocument/hover', at(hoverProbes(lines, ruleLines))),
    await measureRequests(session, 'textDocument/definition', at(definitionProbes(lines, ruleLines))),
    await measureRequests(session, 'textDocument/completion', at(completionProbes(lines, ruleLines))),
    await measureRequests(session, 'textDocument/codeLens', whole),
    await measureRequests(session, 'textDocument/documentSymbol', whole),
  ];
}

export interface TraceResult {
  readonly dump: Dump;
  readonly packet: string;
  readonly firstMs: number;
  readonly count: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly maxMs: number;
  /** Size of the JSON answer (every step of every branch), which the server serialises and sends. */
  readonly responseBytes: number;
  /** The fate of the main branch, or the server's error. */
  readonly outcome: string;
}

/** `iptables/trace` of a packet to the last service in KUBE-SERVICES: one first run, then `runs` timed. */
export async function measureTrace(session: LspSession, dump: Dump, runs: number): Promise<TraceResult> {
  const lines = fs.readFileSync(dump.file, 'utf8').split('\n');
  const packet = lastServicePacket(lines) ?? 'tcp 10.244.0.5:43210 -> 10.96.0.1:443 out mark=0x539';
  const params: TraceParams = { uri: `file://${dump.file}`, packet };
  const first = await session.timedRequest<TraceResponse>(traceRequestMethod, params);
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    samples.push((await session.timedRequest<TraceResponse>(traceRequestMethod, params)).ms);
  }
  const final = first.result.result?.packets[first.result.result.packets.length - 1]?.final;
  return {
    dump,
    packet,
    firstMs: first.ms,
    count: samples.length,
    medianMs: median(samples),
    p90Ms: percentile(samples, 90),
    maxMs: Math.max(...samples),
    responseBytes: Buffer.byteLength(JSON.stringify(first.result)),
    outcome: first.result.error ?? (final ? `${final.fate} → ${final.dst}:${final.dport}` : 'no result'),
  };
}
