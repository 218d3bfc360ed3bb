/**
 * A copy of an array built by `push`, sized to its contents. V8 grows a pushed array's backing store
 * to at least 17 slots, so the one-option argument lists and option lists a big dump keeps by the
 * hundred thousand would each hold ~150 bytes for one pointer; the short-lived original is cheap to
 * collect, the long-lived copy is exact.
 */
export function compact<T>(items: T[]): T[] {
  return items.length === 0 ? [] : items.slice();
}
