import { spawn } from 'node:child_process';
import type { Finding } from '../analysis/findings';
import { finding } from '../analysis/findings';

/** How to ask the system's iptables-restore about a document. */
export interface RealToolOptions {
  /**
   * `test`: `iptables-restore --test` (option-level checks only);
   * `load`: a real commit, which also runs the kernel's table/hook and loop checks (reference §9).
   * Either way the tool runs inside a throw-away network namespace, never in the host's.
   */
  readonly mode: 'test' | 'load';
  /** Which binary: `iptables-restore`, `iptables-legacy-restore`, `ip6tables-nft-restore` … */
  readonly tool?: string;
  /** Extra arguments such as `--noflush`. */
  readonly extraArgs?: readonly string[];
  /** Gives up (and kills the tool) after this long. */
  readonly timeoutMs?: number;
  /** `unshare` binary (tests point it elsewhere to simulate a missing tool). */
  readonly unshareBinary?: string;
  /** Whether we run as root (then `unshare -n`, else `unshare -rn` with a private lock file). Defaults to the process uid. */
  readonly asRoot?: boolean;
}

interface RunResult {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
  readonly spawnError?: NodeJS.ErrnoException;
  readonly timedOut: boolean;
}

/**
 * Runs the system's iptables-restore on the text inside `unshare -n` (root) or `unshare -rn`
 * (unprivileged user namespace, with XTABLES_LOCKFILE pointed at /tmp, reference §9), and maps its
 * `Error occurred at line: N`, `line N failed`, `COMMIT expected at line N` and nft's
 * `line N: RULE_APPEND failed …` onto the document. An empty array means the tool accepted the file.
 * Returns `{ error }` with a clear message when the tool is missing or lacks privileges.
 */
export async function validateWithRealTool(
  text: string,
  options: RealToolOptions,
): Promise<Finding[] | { error: string }> {
  const tool = options.tool ?? 'iptables-restore';
  const asRoot = options.asRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const unshare = options.unshareBinary ?? 'unshare';
  const toolArgs = [...(options.mode === 'test' ? ['--test'] : []), ...(options.extraArgs ?? [])];
  const args = [asRoot ? '-n' : '-rn', tool, ...toolArgs];
  const result = await run(unshare, args, text, options.timeoutMs ?? 15000, asRoot);
  if (result.spawnError) {
    return result.spawnError.code === 'ENOENT'
      ? {
          error: `Cannot validate: "${unshare}" was not found (util-linux is needed to run ${tool} in a throw-away network namespace).`,
        }
      : { error: `Cannot validate: starting ${unshare} failed (${result.spawnError.message}).` };
  }
  if (result.timedOut)
    return { error: `Cannot validate: ${tool} did not finish within ${options.timeoutMs ?? 15000} ms.` };
  const stderr = result.stderr;
  if (/unshare: failed to execute|execvp|No such file or directory/.test(stderr) && stderr.includes(tool)) {
    return { error: `Cannot validate: ${tool} is not installed (Debian: apt-get install iptables).` };
  }
  if (/unshare: (unshare|cannot)[^\n]*(Operation not permitted|Permission denied)/i.test(stderr)) {
    return {
      error: `Cannot validate: creating a network namespace was refused. Run as root, or enable unprivileged user namespaces (/proc/sys/user/max_user_namespaces > 0).`,
    };
  }
  if (/you must be root|unable to initialize table|can't open lock file/i.test(stderr)) {
    return {
      error: `Cannot validate: ${tool} lacks privileges (CAP_NET_ADMIN) in the namespace: ${firstLine(stderr)}`,
    };
  }
  if (result.code === 0) return [];
  return errorsToFindings(text, stderr, tool);
}

function run(
  command: string,
  args: readonly string[],
  input: string,
  timeoutMs: number,
  asRoot: boolean,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const env = asRoot
      ? process.env
      : { ...process.env, XTABLES_LOCKFILE: `/tmp/iptables-lens-${process.pid}.lock` };
    // No shell, ever: the arguments go to execve as they are and the document only travels on stdin,
    // so nothing in a file can become a command.
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined);
    child.on('error', (spawnError: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stderr, stdout, spawnError, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout, timedOut });
    });
    child.stdin.end(input);
  });
}

/** The line-number patterns iptables-restore 1.8.9 prints (reference §1, "Error reporting format"). */
const linePatterns: readonly RegExp[] = [
  /Error occurred at line: (\d+)/,
  /COMMIT expected at line (\d+)/,
  /line (\d+) failed/,
  /^line (\d+): (.*)$/m,
];

function errorsToFindings(text: string, stderr: string, tool: string): Finding[] {
  const lines = text.split('\n');
  const message = errorMessage(stderr) || `${tool} rejected the file.`;
  const found = new Map<number, string>();
  for (const raw of stderr.split('\n')) {
    const nft = /^line (\d+): (.*)$/.exec(raw);
    if (nft?.[1]) found.set(Number(nft[1]) - 1, nft[2] ?? message);
  }
  if (found.size === 0) {
    for (const pattern of linePatterns) {
      const m = pattern.exec(stderr);
      if (m?.[1]) {
        found.set(Number(m[1]) - 1, message);
        break;
      }
    }
  }
  if (found.size === 0) found.set(0, message);
  return [...found.entries()].map(([line, msg]) => {
    const safeLine = Math.min(Math.max(line, 0), Math.max(lines.length - 1, 0));
    const lineText = (lines[safeLine] ?? '').replace(/\r$/, '');
    // legacy reports a kernel refusal at commit time as `line <COMMIT> failed` (reference §5.2).
    const explained =
      lineText === 'COMMIT' && /line \d+ failed/.test(msg)
        ? `${msg}: the kernel refused a rule of this table when it was committed (a target or match in the wrong table or chain, or a jump loop)`
        : msg;
    return finding(
      'lint.real-tool-error',
      { line: safeLine, start: 0, end: lineText.length },
      `${tool}: ${explained}`,
    );
  });
}

/** The tool's own words, without the version prefix and the `Try … --help` hint. */
function errorMessage(stderr: string): string {
  const useful = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(
      (l) =>
        l.length > 0 &&
        !l.startsWith('Try `') &&
        !/^Error occurred at line/.test(l) &&
        !/^line \d+: /.test(l),
    );
  const text = useful.join(' ');
  return text.replace(/^[\w-]+ v[\d.]+ \([^)]*\):\s*/, '').replace(/^[\w-]+: /, '');
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim().length > 0)
      ?.trim() ?? ''
  );
}
