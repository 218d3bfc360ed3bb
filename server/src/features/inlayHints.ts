import type { InlayHint, Range } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import type { Counters } from '../model/syntax';

/**
 * When a dump carries `[packets:bytes]` counters on its rules (`iptables-save -c`), a hint after each
 * counter prefix (rules and chain policies) with human-readable numbers: `[1532:98048]` → `1.5k pkts · 95.8 KiB`.
 */
export function getInlayHints(doc: ParsedDocument, range: Range): InlayHint[] {
  // iptables-save prints `[0:0]` on every chain line even without -c; only rule counters mean a -c dump.
  if (!doc.tree.lines.some((n) => n.kind === 'command' && n.counters !== undefined)) return [];
  const hints: InlayHint[] = [];
  for (const node of doc.tree.lines) {
    if (node.line < range.start.line || node.line > range.end.line) continue;
    const counters = node.kind === 'command' || node.kind === 'chain' ? node.counters : undefined;
    if (!counters) continue;
    hints.push({
      position: { line: counters.span.line, character: counters.span.end },
      label: describeCounters(counters),
      paddingLeft: true,
      tooltip: `${counters.packets} packets, ${counters.bytes} bytes`,
    });
  }
  return hints;
}

export function describeCounters(c: Counters): string {
  return `${humanCount(c.packets)} pkt${c.packets === 1n ? '' : 's'} · ${humanBytes(c.bytes)}`;
}

/** 999 → `999`, 1532 → `1.5k`, 2_400_000 → `2.4M` (decimal units, as packet counts are read). */
export function humanCount(n: bigint): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  return scaled(n, 1000, units, '');
}

/** 98048 → `95.8 KiB` (binary units, as byte sizes are read). */
export function humanBytes(n: bigint): string {
  const units = [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB', ' EiB'];
  return scaled(n, 1024, units, '');
}

function scaled(n: bigint, base: number, units: readonly string[], fallback: string): string {
  let value = Number(n);
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  const text = unit === 0 ? String(n) : value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${text}${units[unit] ?? fallback}`;
}
