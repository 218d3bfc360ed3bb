import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

/** One run of an external command. */
export interface ProcessRun {
  readonly wallMs: number;
  /** User + system CPU time of the command (GNU time %U + %S, 10 ms resolution). */
  readonly cpuMs: number;
  /** Peak resident set size of the command, from the kernel's rusage (ru_maxrss). */
  readonly peakRssKiB: number;
  readonly exitCode: number;
  /** The last line the command wrote to stderr (error messages, e.g. where iptables-restore stopped). */
  readonly stderrTail: string;
}

/**
 * Runs `command args…` under GNU time (`/usr/bin/time -f '%U %S %M'`), which reads the command's rusage from
 * wait4(): %U/%S are its CPU seconds and %M is ru_maxrss, the kernel's peak RSS of the child, in KiB. Wall time is measured here,
 * around the whole spawn (GNU time's own %e has 10 ms resolution). stdout is discarded.
 */
export function runMeasured(command: string, args: readonly string[]): Promise<ProcessRun> {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iplC-time-')), 'rusage');
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', report, command, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4096);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - start;
      const lines = fs.readFileSync(report, 'utf8').trim().split('\n');
      fs.rmSync(path.dirname(report), { recursive: true, force: true });
      const [user, system, peak] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
      const errors = stderr
        .trim()
        .split('\n')
        .filter((l) => l.trim() !== '');
      resolve({
        wallMs,
        cpuMs: ((user ?? NaN) + (system ?? NaN)) * 1000,
        peakRssKiB: Number.isFinite(peak) ? peak! : NaN,
        exitCode: code ?? -1,
        stderrTail: errors.slice(0, 1).join(''),
      });
    });
  });
}

/** True when GNU time is installed (the only way this suite reads a child's peak RSS). */
export function haveGnuTime(): boolean {
  return fs.existsSync('/usr/bin/time');
}
