import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** Documents at least this large (UTF-16 code units) trigger a release when they close. */
const largeDocument = 1_000_000;

/**
 * V8 keeps the pages a big parse used (a 450,000-line dump holds over a gigabyte) long after the
 * document is closed, so the server would sit at its peak. After a large document closes, two full
 * collections — one when the close has settled, one a little later, when V8 returns the freed pages —
 * bring the process back near its baseline. `gc` is not exposed to a normal Node process and other
 * editors start the server as plain `node dist/server.js`, so the flag is set at run time and the
 * function taken from a fresh V8 context; if that ever stops working, nothing is collected early.
 */
export function createMemoryRelease(): (closedLength: number) => void {
  let collect: (() => void) | undefined;
  try {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  } catch {
    collect = undefined;
  }
  let pending: NodeJS.Timeout | undefined;
  return (closedLength) => {
    if (!collect || closedLength < largeDocument) return;
    clearTimeout(pending);
    pending = setTimeout(() => {
      collect!();
      pending = setTimeout(() => collect!(), 2000).unref();
    }, 500).unref();
  };
}
