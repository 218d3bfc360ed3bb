import { EventEmitter } from 'node:events';
import * as net from 'node:net';

/** How much one read from stdin can take. */
const readSize = 256 * 1024;

/**
 * Standard input as `data` / `end` / `close` / `error` events, read into one buffer that is used
 * again for every read when stdin is a pipe or a socket (how an LSP client starts the server).
 *
 * Node's own stdin stream allocates a fresh 64 KB buffer per read. A 16 MB `didOpen` is 250 of
 * them; they are freed only when a garbage collection finds their wrappers dead, which a reader that
 * allocates little on the JavaScript heap rarely triggers, and the C allocator keeps the memory once
 * it has grown for them: the server's resident memory stayed 10–20 MB higher after opening the
 * 150,000-line benchmark dump. A `data` chunk here is a view of the shared buffer, valid until the
 * handler returns; a handler that keeps bytes copies them. Reading starts when the first `data`
 * handler is attached, so nothing is read before someone listens.
 *
 * A file or a terminal on stdin cannot be read this way; Node's stream reads it then.
 */
export function stdinChunks(): NodeJS.EventEmitter {
  const events = new EventEmitter();
  const buffer = Buffer.allocUnsafe(readSize);
  // Node reads `onread` in the Socket constructor (net.connect passes it there); the typings list it
  // only for net.connect.
  const options: net.SocketConstructorOpts & { onread: net.OnReadOpts } = {
    fd: 0,
    readable: true,
    writable: false,
    onread: {
      buffer,
      callback: (bytes: number) => {
        events.emit('data', buffer.subarray(0, bytes));
        return true;
      },
    },
  };
  let socket: net.Socket;
  try {
    socket = new net.Socket(options);
  } catch {
    return process.stdin;
  }
  // Paused before the loop turns, so no read can happen before a reader listens.
  socket.pause();
  events.on('newListener', function startOnFirstReader(event: string | symbol) {
    if (event !== 'data') return;
    events.off('newListener', startOnFirstReader);
    socket.resume();
  });
  socket.on('error', (error) => events.emit('error', error));
  socket.on('end', () => events.emit('end'));
  socket.on('close', () => events.emit('close'));
  return events;
}
