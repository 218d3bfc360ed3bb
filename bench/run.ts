/**
 * The issue #8 benchmark suite: `npm run bench` (builds dist/ first, then runs this with tsx). In one
 * run on one machine it measures the bundled language server over a real stdio LSP connection, the
 * CLI, the parser, and the system's iptables-restore on the same kube-proxy dumps, prints a markdown
 * report and writes it to bench/results/latest.md and latest.json. Never part of `npm test`.
 *
 * Knobs (environment): IPL_BENCH_SERVICES=1000,2900,10000,30000 (dump sizes, in services; ~15 lines each),
 * IPL_BENCH_RUNS=3 (repeats of open/CLI/parse/iptables-restore; medians), IPL_BENCH_POSITIONS=200,
 * IPL_BENCH_EDITS=30, IPL_BENCH_TRACES=20, IPL_BENCH_WHOLE_DOCUMENT_RUNS=20 (code lens, document symbols),
 * IPL_BENCH_PARTS=native,open,cli,edit,requests,blocking (a subset re-measures one area; default all).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { measureBlocking, withServerStalls } from './suite/blockingBench';
import { measureCli } from './suite/cliBench';
import { defaultServiceCounts, kubeDump, withoutRepeatedChains, type Dump } from './suite/dumps';
import { measureEdits } from './suite/editBench';
import { LspSession, serverBundle } from './suite/lspSession';
import { describeMachine } from './suite/machine';
import { haveGnuTime } from './suite/measuredProcess';
import { measureNative, type NativeResult } from './suite/nativeBench';
import { measureOpen, type OpenResult } from './suite/openBench';
import { measureParse, type ParseResult } from './suite/parseBench';
import { formatMarkdown, type SuiteResults } from './suite/report';
import {
  measureEditorRequests,
  measureTrace,
  type LatencyResult,
  type TraceResult,
} from './suite/requestBench';
import type { CliResult } from './suite/cliBench';
import type { EditResult } from './suite/editBench';
import type { BlockingResult } from './suite/blockingBench';

function numberSetting(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const serviceCounts = process.env.IPL_BENCH_SERVICES
  ? process.env.IPL_BENCH_SERVICES.split(',').map(Number)
  : [...defaultServiceCounts];
const runs = numberSetting('IPL_BENCH_RUNS', 3);
const positions = numberSetting('IPL_BENCH_POSITIONS', 200);
const edits = numberSetting('IPL_BENCH_EDITS', 30);
const traces = numberSetting('IPL_BENCH_TRACES', 20);
/** Whole-document requests (code lens, document symbols) cost more per call; fewer repeats keep the run short. */
const wholeDocumentRuns = numberSetting('IPL_BENCH_WHOLE_DOCUMENT_RUNS', 20);
const parts = new Set((process.env.IPL_BENCH_PARTS ?? 'native,open,cli,edit,requests,blocking').split(','));
const pingIntervalMs = 50;
const resultsDir = path.join(__dirname, 'results');

const suiteStart = performance.now();
function log(message: string): void {
  process.stderr.write(
    `[bench ${((performance.now() - suiteStart) / 1000).toFixed(0).padStart(4)} s] ${message}\n`,
  );
}

async function main(): Promise<void> {
  if (!fs.existsSync(serverBundle))
    throw new Error(`${serverBundle} is missing: run \`npm run bench\` (builds dist/ first)`);
  if (!haveGnuTime())
    throw new Error('/usr/bin/time (GNU time) is needed to read child peak RSS: apt-get install time');
  const machineAtStart = describeMachine();
  log(
    `${machineAtStart.cpuModel}, ${machineAtStart.cores} cores, load ${machineAtStart.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  );

  const dumps: Dump[] = serviceCounts.map((services) => kubeDump(services));
  const uniqueDumps = dumps.map(withoutRepeatedChains).filter((d): d is Dump => d !== undefined);
  log(
    `dumps: ${dumps.map((d) => `${d.label} (${d.lines} lines)`).join(', ')} in ${path.dirname(dumps[0]!.file)}`,
  );
  const middle = dumps[Math.floor(dumps.length / 2)]!;
  const largest = dumps[dumps.length - 1]!;

  const parse: ParseResult[] = [];
  const nft: NativeResult[] = [];
  const legacy: NativeResult[] = [];
  const legacyUnique: NativeResult[] = [];
  const open: OpenResult[] = [];
  const openUnique: OpenResult[] = [];
  const openStockWriter: OpenResult[] = [];
  const cli: CliResult[] = [];
  const traceResults: TraceResult[] = [];
  // Filled in as the parts finish; results() reads whatever is there so far.
  const measured: { requests: LatencyResult[]; edit?: EditResult; blocking?: BlockingResult } = {
    requests: [],
  };

  const results = (): SuiteResults => ({
    machineAtStart,
    machineAtEnd: describeMachine(),
    runs,
    durationS: (performance.now() - suiteStart) / 1000,
    dumps,
    open,
    openStockWriter,
    nft,
    legacy,
    openUnique,
    legacyUnique,
    edit: measured.edit,
    requests: measured.requests,
    requestsDump: middle,
    traces: traceResults,
    cli,
    parse,
    blocking: measured.blocking,
  });
  // Written after every part, so a crash late in the run keeps what was measured.
  const save = (): SuiteResults => {
    const r = results();
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify(r, null, 2) + '\n');
    fs.writeFileSync(path.join(resultsDir, 'latest.md'), formatMarkdown(r));
    return r;
  };

  for (const dump of parts.has('native') ? dumps : []) {
    log(`iptables-nft-restore --test ${dump.label} ×${runs}`);
    nft.push(await measureNative('iptables-nft-restore', dump, runs));
    log(`iptables-legacy-restore --test ${dump.label} ×${runs}`);
    legacy.push(await measureNative('iptables-legacy-restore', dump, runs));
  }
  for (const dump of parts.has('native') ? uniqueDumps : []) {
    log(`iptables-legacy-restore --test ${dump.label} ×${runs}`);
    legacyUnique.push(await measureNative('iptables-legacy-restore', dump, runs));
  }
  save();

  for (const dump of parts.has('open') ? dumps : []) {
    log(`open → diagnostics ${dump.label} ×${runs}`);
    open.push(await measureOpen(dump, runs));
    log(`  median ${(open[open.length - 1]!.medianMs / 1000).toFixed(2)} s`);
  }
  for (const dump of parts.has('open') ? uniqueDumps : []) {
    log(`open → diagnostics ${dump.label} ×${runs}`);
    openUnique.push(await measureOpen(dump, runs));
  }
  for (const dump of parts.has('open') ? dumps : []) {
    log(`open → diagnostics ${dump.label} ×${runs}, stock client writer`);
    openStockWriter.push(await measureOpen(dump, runs, 'stock'));
  }
  save();

  for (const dump of parts.has('cli') ? dumps : []) {
    log(`parse + analyze in-process ${dump.label} ×${runs}`);
    parse.push(measureParse(dump, runs));
    log(`CLI check ${dump.label} ×${runs}`);
    cli.push(await measureCli(dump, runs));
  }
  save();

  if (parts.has('edit')) {
    log(`edit → diagnostics ${middle.label} ×${edits}`);
    measured.edit = await measureEdits(middle, edits);
    save();
  }

  if (parts.has('requests')) {
    log(
      `requests on ${middle.label}: ${positions} positions, ${wholeDocumentRuns} whole-document runs; trace ×${traces}`,
    );
    const session = new LspSession();
    try {
      await session.initialize();
      const uri = `file://${middle.file}`;
      const opened = session.diagnosticsFor(uri, 1, 10 * 60_000);
      await session.open(uri, fs.readFileSync(middle.file, 'utf8'));
      await opened;
      measured.requests = await measureEditorRequests(session, middle, positions, wholeDocumentRuns);
      traceResults.push(await measureTrace(session, middle, traces));
    } finally {
      await session.close();
    }
    save();
  }

  if (parts.has('blocking')) {
    log(
      `responsiveness while opening ${largest.label}, hover every ${pingIntervalMs} ms; then trace ×${traces}`,
    );
    const stallsFile = path.join(os.tmpdir(), `iptables-lens-bench-stalls-${process.pid}.json`);
    fs.rmSync(stallsFile, { force: true });
    const session = new LspSession({}, stallsFile);
    try {
      await session.initialize();
      measured.blocking = await measureBlocking(session, largest, pingIntervalMs);
      if (largest !== middle) traceResults.push(await measureTrace(session, largest, traces));
    } finally {
      await session.close();
    }
    if (measured.blocking && fs.existsSync(stallsFile)) {
      const stalls = JSON.parse(fs.readFileSync(stallsFile, 'utf8')) as [number, number][];
      measured.blocking = withServerStalls(measured.blocking, stalls);
      fs.rmSync(stallsFile);
    }
  }

  const final = save();
  process.stdout.write(formatMarkdown(final));
  log(`done; results in ${path.relative(process.cwd(), resultsDir)}/latest.{md,json}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
