import { execFileSync } from 'child_process';
import * as os from 'os';

/** What the figures were measured on, printed with every run so runs can be compared. */
export interface MachineInfo {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly loadAverage: readonly number[];
  readonly node: string;
  readonly os: string;
  readonly iptables: string;
  readonly iptablesLegacy: string;
}

function commandOutput(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'not available';
  }
}

function osRelease(): string {
  const release = commandOutput('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"']);
  return `${release}, Linux ${os.release()}`;
}

/** Reads the machine's description now (load average changes during a run; call it again at the end). */
export function describeMachine(): MachineInfo {
  return {
    date: new Date().toISOString(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg(),
    node: process.version,
    os: osRelease(),
    iptables: commandOutput('iptables-nft-restore', ['--version']),
    iptablesLegacy: commandOutput('iptables-legacy-restore', ['--version']),
  };
}
