import { createReadStream, promises as fs } from 'fs';

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
  /** Bad usage, unreadable input, input that is not an iptables-save file. */
  usage: 2,
} as const;

/**
 * The most we read from one input. The largest dumps we know of (30,000 kube services) are about
 * 50 MB; an endless source such as /dev/zero or a runaway pipe must end in a message, not in an
 * out-of-memory crash (V8 cannot hold a string much above 512 MiB anyway).
 */
export const maxInputBytes = 256 * 1024 * 1024;

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readInputFile(path),
  readStdin: () => readStream(process.stdin, 'standard input'),
};

/** Reads a named input; every failure becomes an Error whose message names the file and the reason. */
async function readInputFile(path: string): Promise<string> {
  let kind: string | undefined;
  try {
    const stat = await fs.stat(path);
    kind = unreadableKind(stat);
    if (kind === undefined && stat.isFile() && stat.size > maxInputBytes) {
      throw new Error(
        `${path}: ${megabytes(stat.size)} is more than the ${megabytes(maxInputBytes)} we read`,
      );
    }
  } catch (error) {
    if (error instanceof Error && !('code' in error)) throw error;
    throw new Error(await describeIoError(path, error));
  }
  if (kind !== undefined) throw new Error(`${path}: is a ${kind}, expected an iptables-save file`);
  // Regular files, FIFOs and process substitutions (`<(iptables-save)`) are streamed with a cap.
  return readStream(createReadStream(path), path);
}

/** Devices and sockets would block or never end; a directory is named as such. */
function unreadableKind(stat: import('fs').Stats): string | undefined {
  if (stat.isDirectory()) return 'directory';
  if (stat.isCharacterDevice()) return 'character device';
  if (stat.isBlockDevice()) return 'block device';
  if (stat.isSocket()) return 'socket';
  return undefined;
}

function readStream(stream: NodeJS.ReadableStream, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxInputBytes) {
        reject(new Error(`${name}: more than ${megabytes(maxInputBytes)}; not read further`));
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', (error: unknown) => {
      void describeIoError(name, error).then((message) => reject(new Error(message)));
    });
  });
}

/** One line naming the file and what went wrong, in words rather than errno names. */
async function describeIoError(path: string, error: unknown): Promise<string> {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return (await isSymlink(path))
        ? `${path}: a symbolic link to a file that does not exist`
        : `${path}: no such file`;
    case 'EISDIR':
      return `${path}: is a directory, expected an iptables-save file`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'ENOTDIR':
      return `${path}: a part of the path is not a directory`;
    case 'ELOOP':
      return `${path}: too many levels of symbolic links`;
    case 'ENAMETOOLONG':
      return `${path}: the file name is too long`;
    case 'EIO':
    case 'EINVAL':
    case 'ENXIO':
      return `${path}: cannot be read (${code}); is it a special file rather than an iptables-save dump?`;
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return `${path}: cannot be read (${message})`;
    }
  }
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await fs.lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}
