import { runCheck } from './cli/check';
import { runTrace } from './cli/trace';
import type { CliIo } from './cli/io';
import { exitCodes, processIo } from './cli/io';
import { serverVersion } from './version';

const usage = `iptables-lens ${serverVersion} — checks and traces for iptables-save / iptables-restore files

usage:
  iptables-lens check [--format text|json|sarif] [--disable CODE]... FILE...
  iptables-lens trace FILE (--packet "SPEC" | --scenario NAME | --list-scenarios) [--format text|json]
  iptables-lens --version | --help

check exit status: 0 clean, 1 errors or warnings found, 2 usage or I/O error
trace exit status: 0 traced, 1 the trace could not be completed (loop), 2 usage or I/O error

Inputs that cannot be checked also exit 2 with one line naming the file: a directory, a missing
file or dangling symbolic link, a device, an unreadable file, an empty input, and an input that
does not look like an iptables-save file — one where no line is a *table header, a :CHAIN
declaration, COMMIT or an iptables command (-A, -I, -N, -P …), such as an image, a binary or JSON.
`;

/** Dispatches a subcommand; returns the exit code (never throws). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'trace':
        return await runTrace(rest, io);
      case '--version':
      case '-V':
        io.stdout(`${serverVersion}\n`);
        return exitCodes.clean;
      case '--help':
      case '-h':
      case 'help':
        io.stdout(usage);
        return exitCodes.clean;
      case undefined:
        io.stderr(usage);
        return exitCodes.usage;
      default:
        io.stderr(`iptables-lens: unknown command '${command}'\n\n${usage}`);
        return exitCodes.usage;
    }
  } catch (error) {
    io.stderr(`iptables-lens: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return exitCodes.usage;
  }
}

if (require.main === module) {
  // A closed pipe (`iptables-lens check … | head`) is the reader's choice, not an error to report.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void main(process.argv.slice(2), processIo).then((code) => {
    process.exitCode = code;
  });
}
