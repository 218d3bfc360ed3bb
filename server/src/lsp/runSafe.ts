import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';

/**
 * Runs a request handler so that one bad document or one bug never kills the server
 * (ARCHITECTURE rule 2): cancellation is honoured before and after the work, and any exception is
 * logged and answered with the empty result instead of propagating.
 */
export function runSafe<T, E>(
  connection: Connection,
  what: string,
  token: CancellationToken | undefined,
  emptyResult: T,
  work: () => T | Promise<T>,
): Promise<T | ResponseError<E>> {
  return new Promise((resolve) => {
    setImmediate(async () => {
      if (token?.isCancellationRequested) {
        resolve(cancelled());
        return;
      }
      try {
        const result = await work();
        resolve(token?.isCancellationRequested ? cancelled() : result);
      } catch (error) {
        logError(connection, what, error);
        resolve(emptyResult);
      }
    });
  });
}

/** Guards a notification handler (no response to send). */
export function runSafeNotification(
  connection: Connection,
  what: string,
  work: () => void | Promise<void>,
): void {
  Promise.resolve()
    .then(work)
    .catch((error: unknown) => logError(connection, what, error));
}

export function logError(connection: Connection, what: string, error: unknown): void {
  const detail = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  connection.console.error(`[iptables-lens] ${what} failed: ${detail}`);
}

function cancelled<E>(): ResponseError<E> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}
