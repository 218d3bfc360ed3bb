import type { JumpEdge } from '../model/ruleset';

/** The model's callers map (`Ruleset.callers`), or one table block's part of it (keys are chain names). */
export type Callers = ReadonlyMap<string, readonly JumpEdge[]>;

/**
 * The iterating methods of a callers map made from its `entries()`: the parser keeps callers in
 * forms of its own (per block, recorded, re-pointed after an edit) that features read as a map.
 */
export abstract class CallersMap implements Callers {
  abstract get size(): number;
  abstract get(key: string): readonly JumpEdge[] | undefined;
  abstract has(key: string): boolean;
  abstract entries(): ReturnType<Callers['entries']>;

  *keys(): ReturnType<Callers['keys']> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): ReturnType<Callers['values']> {
    for (const [, edges] of this.entries()) yield edges;
  }

  [Symbol.iterator](): ReturnType<Callers['entries']> {
    return this.entries();
  }

  forEach(
    callback: (value: readonly JumpEdge[], key: string, map: Callers) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, edges] of this.entries()) callback.call(thisArg, edges, key, this);
  }
}
