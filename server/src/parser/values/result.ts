/** The outcome of decoding one option argument: a value, or the reason iptables would refuse it. */
export type Decoded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function fail<T = never>(message: string): Decoded<T> {
  return { ok: false, message };
}
