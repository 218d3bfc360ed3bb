import * as fs from 'fs';
import { performance } from 'perf_hooks';
import type { Dump } from './dumps';
import { LspSession } from './lspSession';
import { median } from './stats';

/** A small document open beside the big one; hovering its jump target is a cheap request. */
const smallUri = 'file:///bench/small.rules';
const smallText = [
  '*filter', // line 0
  ':INPUT ACCEPT [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':SMALL - [0:0]',
  '-A INPUT -p tcp -m tcp --dport 22 -j SMALL', // line 5: hover on SMALL
  '-A SMALL -j ACCEPT',
  'COMMIT',
  '',
].join('\n');
const smallHover = { textDocument: { uri: smallUri }, position: { line: 5, character: 40 } };

export interface BlockingResult {
  readonly dump: Dump;
  readonly intervalMs: number;
  readonly openMs: number;
  readonly pings: number;
  readonly worstMs: number;
  readonly medianMs: number;
  /** Worst latency among pings sent after the whole didOpen message was written to the server's stdin. */
  readonly worstAfterTransferMs: number;
  /** Pings whose round trip exceeded 100 ms. */
  readonly over100Ms: number;
  readonly progressCreates: number;
  readonly progressNotifications: number;
  readonly progressTitles: readonly string[];
  readonly shownMessages: readonly string[];
  readonly peakRssKiB: number;
  /** When the worst ping was sent, in ms after didOpen (negative: before it). */
  readonly worstSentAfterOpenMs: number;
  /** Every ping as [ms after didOpen it was sent, round trip ms], to see which phase of the open blocks. */
  readonly timeline: readonly (readonly [number, number])[];
  /** When didOpen was sent, its message fully written, and the diagnostics arrived (Unix epoch ms). */
  readonly epochMs: { readonly sent: number; readonly written: number; readonly diagnostics: number };
  /**
   * The server's own view (suite/eventLoopWatch.js), when recorded: each event-loop stall over 20 ms
   * between didOpen and the diagnostics as [ms after didOpen, duration ms].
   */
  readonly serverStalls?: readonly (readonly [number, number])[];
}

/** `result` with the server's event-loop stalls (epoch [start, ms] pairs) that fall within its open. */
export function withServerStalls(
  result: BlockingResult,
  stalls: readonly (readonly [number, number])[],
): BlockingResult {
  const { sent, diagnostics } = result.epochMs;
  const during = stalls
    .filter(([start, ms]) => start + ms >= sent && start <= diagnostics)
    .map(([start, ms]) => [Math.round(start - sent), ms] as const);
  return { ...result, serverStalls: during };
}

/**
 * Opens `dump` while a hover on a small document is sent every `intervalMs`, each on its own (not
 * waiting for the previous answer), until the big document's diagnostics arrive. The worst round
 * trip is how long the server left a request waiting. `session` must be initialized and is left
 * open with the big document parsed, for the trace benchmark.
 */
export async function measureBlocking(
  session: LspSession,
  dump: Dump,
  intervalMs: number,
): Promise<BlockingResult> {
  const text = fs.readFileSync(dump.file, 'utf8');
  const uri = `file://${dump.file}`;
  const smallReady = session.diagnosticsFor(smallUri, 1, 60_000);
  await session.open(smallUri, smallText);
  await smallReady;
  await session.timedRequest('textDocument/hover', smallHover);

  const pings: { sentAt: number; ms?: number }[] = [];
  const answered: Promise<void>[] = [];
  let transferredAt = Infinity;
  const timer = setInterval(() => {
    const ping: { sentAt: number; ms?: number } = { sentAt: performance.now() };
    pings.push(ping);
    answered.push(
      session.timedRequest('textDocument/hover', smallHover).then(
        ({ ms }) => void (ping.ms = ms),
        () => void (ping.ms = NaN),
      ),
    );
  }, intervalMs);
  const published = session.diagnosticsFor(uri, 1, 10 * 60_000);
  const sentAt = await session.open(uri, text);
  transferredAt = performance.now();
  const epoch = (at: number): number => Math.round(performance.timeOrigin + at);
  let arrivedAt: number;
  try {
    arrivedAt = await published;
  } finally {
    clearInterval(timer);
  }
  await Promise.all(answered);
  const latencies = pings.map((p) => p.ms ?? NaN).filter(Number.isFinite);
  const worst = pings.reduce<(typeof pings)[number] | undefined>(
    (a, b) => (a === undefined || (b.ms ?? -1) > (a.ms ?? -1) ? b : a),
    undefined,
  );
  const afterTransfer = pings.filter((p) => p.sentAt >= transferredAt).map((p) => p.ms ?? NaN);
  return {
    dump,
    intervalMs,
    openMs: arrivedAt - sentAt,
    pings: latencies.length,
    worstMs: Math.max(...latencies),
    medianMs: median(latencies),
    worstAfterTransferMs: Math.max(...afterTransfer.filter(Number.isFinite)),
    over100Ms: latencies.filter((ms) => ms > 100).length,
    progressCreates: session.progress.creates,
    progressNotifications: session.progress.notifications,
    progressTitles: [...session.progress.titles],
    shownMessages: [...session.shownMessages],
    peakRssKiB: session.peakRssKiB(),
    worstSentAfterOpenMs: worst ? worst.sentAt - sentAt : NaN,
    timeline: pings.map((p) => [Math.round(p.sentAt - sentAt), Math.round((p.ms ?? NaN) * 10) / 10] as const),
    epochMs: { sent: epoch(sentAt), written: epoch(transferredAt), diagnostics: epoch(arrivedAt) },
  };
}
