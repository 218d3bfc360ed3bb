import { promises as fs } from 'fs';

/** What a CLI command may touch, injectable so tests run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a file as UTF-8 (invalid bytes become U+FFFD); rejects with a readable message. */
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

/** Exit codes, documented in the README. */
export const exitCodes = {
  /** No error and no warning. */
  clean: 0,
  /** At least one error or warning (check), or a trace that could not be completed. */
  findings: 1,
  /** Bad usage, unreadable input. */
  usage: 2,
} as const;

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: async (path) => {
    try {
      return (await fs.readFile(path)).toString('utf8');
    } catch (error) {
      throw new Error(describeIoError(path, error));
    }
  },
  readStdin: () =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      process.stdin.on('data', (c: Buffer) => chunks.push(c));
      process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      process.stdin.on('error', (e) => reject(new Error(`cannot read standard input: ${e.message}`)));
    }),
};

function describeIoError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file`;
    case 'EISDIR':
      return `${path}: is a directory, expected an iptables-save file`;
    case 'EACCES':
      return `${path}: permission denied`;
    default:
      return `${path}: ${(error as Error).message}`;
  }
}
