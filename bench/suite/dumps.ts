import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** One generated kube-proxy dump on disk. */
export interface Dump {
  /** Label used in tables: the approximate line count (`15k`, `150k`, `450k`). */
  readonly label: string;
  readonly services: number;
  readonly file: string;
  readonly lines: number;
  readonly bytes: number;
}

/**
 * The dump sizes of issue #8 (services → ~15 lines each: kube-proxy's rules per service + 3 endpoints),
 * and 2,900 services: 43,500 lines, 4.7 MB, the biggest of these dumps under the server's default
 * size guard (5 MB, maxFileSizeForAnalysis), where every check runs and the parse keeps a full model
 * of each rule: the slowest open of a dump an editor sees with the default settings.
 */
export const defaultServiceCounts = [1000, 2900, 10000, 30000] as const;

const cacheDir = path.join(os.tmpdir(), 'iptables-lens-bench');
const generator = path.join(__dirname, '..', 'gen-kube.mjs');

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function label(lines: number): string {
  return lines < 10_000 ? `${(lines / 1000).toFixed(1)}k` : `${Math.round(lines / 1000)}k`;
}

/**
 * Writes (once; later runs reuse the cached file) the dump `gen-kube.mjs SERVICES 3` produces. The
 * cache key includes the generator's size, so an edited generator makes fresh dumps.
 */
export function kubeDump(services: number): Dump {
  fs.mkdirSync(cacheDir, { recursive: true });
  const stamp = fs.statSync(generator).size;
  const file = path.join(cacheDir, `kube-${services}-3-g${stamp}.rules`);
  if (!fs.existsSync(file)) {
    const text = execFileSync(process.execPath, [generator, String(services), '3'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  }
  const text = fs.readFileSync(file, 'utf8');
  const lines = countLines(text);
  return { label: label(lines), services, file, lines, bytes: Buffer.byteLength(text) };
}

/**
 * The same dump with every repeated `:CHAIN` declaration inside a table dropped, or undefined when
 * no chain is declared twice. Older generators' weak PRNG repeated chain names, and
 * iptables-legacy-restore stops at the first repeat ("error creating chain …: File exists"), while
 * dropping the repeat leaves a file it loads: the rules of both "copies" then append to the one chain.
 */
export function withoutRepeatedChains(dump: Dump): Dump | undefined {
  const file = dump.file.replace(/\.rules$/, '-unique-chains.rules');
  if (!fs.existsSync(file)) {
    const kept: string[] = [];
    let dropped = 0;
    let declared = new Set<string>();
    for (const line of fs.readFileSync(dump.file, 'utf8').split('\n')) {
      if (line.startsWith('*')) declared = new Set();
      if (line.startsWith(':')) {
        const name = line.slice(1).split(' ', 1)[0]!;
        if (declared.has(name)) {
          dropped++;
          continue;
        }
        declared.add(name);
      }
      kept.push(line);
    }
    // An empty file marks "nothing repeated", so later runs skip the variant without re-reading the dump.
    fs.writeFileSync(file, dropped > 0 ? kept.join('\n') : '');
  }
  if (fs.statSync(file).size === 0) return undefined;
  const text = fs.readFileSync(file, 'utf8');
  const lines = countLines(text);
  return {
    label: `${dump.label} unique chains`,
    services: dump.services,
    file,
    lines,
    bytes: Buffer.byteLength(text),
  };
}
