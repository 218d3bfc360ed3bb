import type { PortRange } from '../../model/rule';
import { services } from '../../netfilter/services';
import { fail, ok, type Decoded } from './result';

/** One port: a decimal number 0–65535 or a service name (libxtables `xtables_parse_port`). */
export function parsePort(text: string): Decoded<number> {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n <= 65535) return ok(n);
  } else {
    const service = services[text];
    if (service) return ok(service.port);
  }
  return fail(`invalid port/service \`${text}' specified`);
}

/**
 * `port[:port]` as tcp/udp `--sport/--dport` take it: an omitted lower bound is 0, an omitted
 * upper bound 65535, and min must not exceed max (libxt_tcp `parse_tcp_ports`).
 */
export function parsePortRange(text: string, separator: ':' | '-' = ':'): Decoded<PortRange> {
  const at = text.indexOf(separator);
  if (at < 0) {
    const p = parsePort(text);
    return p.ok ? ok({ from: p.value, to: p.value, text }) : p;
  }
  const lowText = text.slice(0, at);
  const highText = text.slice(at + 1);
  const low = lowText === '' ? ok(0) : parsePort(lowText);
  if (!low.ok) return low;
  const high = highText === '' ? ok(65535) : parsePort(highText);
  if (!high.ok) return high;
  if (low.value > high.value) return fail(`invalid portrange \`${text}' specified (min > max)`);
  return ok({ from: low.value, to: high.value, text });
}

/** The kernel's multiport limit (XT_MULTI_PORTS). */
export const MAX_MULTIPORTS = 15;

/**
 * A multiport list: `port[,port|,port:port]…`, at most 15 entries where a range takes two slots
 * (libxt_multiport `parse_multi_ports_v1`).
 */
export function parsePortList(text: string): Decoded<PortRange[]> {
  const out: PortRange[] = [];
  let slots = 0;
  for (const part of text.split(',')) {
    const range = parsePortRange(part);
    if (!range.ok) return range;
    slots += part.includes(':') ? 2 : 1;
    out.push(range.value);
  }
  if (slots > MAX_MULTIPORTS)
    return fail(`too many ports specified (${slots} slots; a range takes 2, at most ${MAX_MULTIPORTS})`);
  return ok(out);
}
