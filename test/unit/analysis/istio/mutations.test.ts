import { strict as assert } from 'node:assert';
import type { Finding } from '../../../../server/src/analysis/findings';
import { applyFirstFix, describeFindings, istioFindings, readFixture } from './istioTestSupport';
import { findNoEffectSwap, labelOf, mutatedFixtures, unrecoverableDeletions } from './mutationData';

/**
 * The mutation suite: every current ambient rendering (v4 and v6, every variant, and the node rules) is
 * mutated one change at a time: each rule deleted, each pair of rules of a chain swapped, each mark,
 * mask and port changed. Every mutation that changes behaviour must be flagged on the right line with
 * the right code, and the offered fix must restore the original text exactly. Swaps that provably
 * change nothing are listed, with the reason, in mutationData.ts, and must not be flagged.
 */

interface RuleLine {
  readonly line: number;
  readonly text: string;
  readonly table: string;
  readonly chain: string;
}

/** The `-A` lines of a dump with their table and chain, read with plain string handling. */
function ruleLines(text: string): RuleLine[] {
  const out: RuleLine[] = [];
  let table = '';
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^-A (\S+) /.exec(line);
    if (m) out.push({ line: i, text: line, table, chain: m[1] as string });
  });
  return out;
}

function replaceLine(text: string, line: number, replacement: string | undefined): string {
  const lines = text.split('\n');
  if (replacement === undefined) lines.splice(line, 1);
  else lines[line] = replacement;
  return lines.join('\n');
}

function swapLines(text: string, a: number, b: number): string {
  const lines = text.split('\n');
  const tmp = lines[a] as string;
  lines[a] = lines[b] as string;
  lines[b] = tmp;
  return lines.join('\n');
}

/** Where a deleted rule's diagnostic belongs: the next rule of its chain, else the previous one, else the chain header. */
function expectedLineAfterDeletion(mutated: string, deleted: RuleLine): number {
  const lines = mutated.split('\n');
  const prefix = `-A ${deleted.chain} `;
  if (lines[deleted.line]?.startsWith(prefix)) return deleted.line;
  if (lines[deleted.line - 1]?.startsWith(prefix)) return deleted.line - 1;
  let table = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.startsWith('*')) table = l.slice(1).trim();
    if (table === deleted.table && l.startsWith(`:${deleted.chain} `) && i < deleted.line) return i;
  }
  return -1;
}

/** The code a deletion must produce, decided from istio-ambient.md §3–§4 and §11. */
function expectedDeletionCodes(r: RuleLine, label: string, original: string): string[] {
  const isIngress =
    !/^-A ISTIO_PRERT .*-j REDIRECT --to-ports 15006/m.test(original) &&
    !/ISTIO_PRERT -s \S+ -p tcp/.test(original);
  if (label === 'M3' && isIngress) return ['istio.ingress-missing-connmark'];
  if (/^-A (PREROUTING|OUTPUT|POSTROUTING) -j ISTIO_/.test(r.text)) return ['istio.missing-jump'];
  if (label === 'R3' || label === 'R4') return ['istio.missing-pair-half'];
  return ['istio.missing-rule'];
}

function assertFlaggedAndFixed(
  what: string,
  mutated: string,
  lines: readonly number[],
  codes: readonly string[],
  acceptable: readonly string[],
): void {
  const findings = istioFindings(mutated);
  const hits = findings.filter((f) => lines.includes(f.span.line) && codes.includes(f.code));
  assert.ok(
    hits.length > 0,
    `${what}: expected ${codes.join(' or ')} on line ${lines.join(' or ')}, got:\n${describeFindings(findings)}`,
  );
  const fixed = hits.map((f: Finding) => applyFirstFix(mutated, f)).filter((t) => t !== undefined);
  assert.ok(fixed.length > 0, `${what}: the finding offers no fix`);
  assert.ok(
    fixed.some((t) => acceptable.includes(t)),
    `${what}: applying the fix does not restore the original.\n--- got:\n${fixed[0]}`,
  );
}

/** The original with the two virtual interfaces' pairs exchanged (see interfacePairOrderIsUnknowable). */
function withInterfacePairsExchanged(text: string): string {
  const names = [...new Set([...text.matchAll(/ -i (\S+) -p tcp/g)].map((m) => m[1] as string))];
  if (names.length !== 2) return text;
  const [a, b] = names as [string, string];
  return text
    .split('\n')
    .map((l) =>
      l.includes(` -i ${a} `)
        ? l.replace(` -i ${a} `, ` -i ${b} `)
        : l.includes(` -i ${b} `)
          ? l.replace(` -i ${b} `, ` -i ${a} `)
          : l,
    )
    .join('\n');
}

const markOption = /(--mark|--set-xmark|--nfmask|--ctmask) (!\s)?(0x[0-9a-f]+)(\/(0x[0-9a-f]+))?/g;
const portOption = /(--dport|--sport|--to-ports) (\d+)/g;

describe('Istio mutation suite', () => {
  for (const fixture of mutatedFixtures) {
    describe(fixture, () => {
      const original = readFixture(fixture);
      const rules = ruleLines(original);

      it('Should start from a rendering with no Istio warning or error', () => {
        const bad = istioFindings(original).filter((f) => f.severity === 'error' || f.severity === 'warning');
        assert.deepEqual(bad, [], describeFindings(bad));
      });

      for (const r of rules) {
        const label = labelOf(r.table, r.text) ?? '?';
        it(`Should flag the deletion of ${label} (line ${r.line}) and restore it with the fix`, () => {
          const mutated = replaceLine(original, r.line, undefined);
          const line = expectedLineAfterDeletion(mutated, r);
          const approximate = unrecoverableDeletions.find((u) => u.fixture === fixture && u.label === label);
          const acceptable = approximate ? [replaceLine(original, r.line, approximate.inserted)] : [original];
          assertFlaggedAndFixed(
            `delete ${label}`,
            mutated,
            [line],
            expectedDeletionCodes(r, label, original),
            acceptable,
          );
        });
      }

      for (const a of rules) {
        for (const b of rules) {
          if (b.line <= a.line || a.table !== b.table || a.chain !== b.chain) continue;
          const la = labelOf(a.table, a.text) ?? '?';
          const lb = labelOf(b.table, b.text) ?? '?';
          const between = rules
            .filter((x) => x.table === a.table && x.chain === a.chain && x.line > a.line && x.line < b.line)
            .map((x) => labelOf(x.table, x.text) ?? '?');
          const listed = findNoEffectSwap(la, lb, between);
          it(`Should ${listed ? 'not flag' : 'flag'} swapping ${la} and ${lb} in ${a.table} ${a.chain}`, () => {
            const mutated = swapLines(original, a.line, b.line);
            if (listed) {
              const flagged = istioFindings(mutated).filter((f) => f.code === 'istio.misordered-rule');
              assert.deepEqual(
                flagged,
                [],
                `listed as no effect (${listed.reason}) but flagged:\n${describeFindings(flagged)}`,
              );
            } else {
              // The diagnostic sits on a rule that is too early: one of the swapped lines or a rule between them.
              const span = rules.filter((x) => x.line >= a.line && x.line <= b.line).map((x) => x.line);
              const interfaces = la.includes('(') || lb.includes('(');
              const acceptable = interfaces ? [original, withInterfacePairsExchanged(original)] : [original];
              assertFlaggedAndFixed(`swap ${la}/${lb}`, mutated, span, ['istio.misordered-rule'], acceptable);
            }
          });
        }
      }

      for (const r of rules) {
        const label = labelOf(r.table, r.text) ?? '?';
        for (const m of r.text.matchAll(markOption)) {
          const [whole, option, , value, , mask] = m;
          const start = (m.index ?? 0) + whole.indexOf(value as string);
          const variants: string[] = [];
          const flippedValue = `0x${(Number(value) ^ 0x1).toString(16)}`;
          variants.push(
            r.text.slice(0, start) + flippedValue + r.text.slice(start + (value as string).length),
          );
          if (mask) {
            const maskStart = (m.index ?? 0) + whole.lastIndexOf(mask);
            const flippedMask = `0x${((Number(mask) ^ 0x100) >>> 0).toString(16)}`;
            variants.push(r.text.slice(0, maskStart) + flippedMask + r.text.slice(maskStart + mask.length));
          }
          variants.forEach((mutatedLine, i) => {
            it(`Should flag ${i === 0 ? 'a changed value' : 'a changed mask'} of ${option} in ${label} (line ${r.line}) as istio.wrong-mark`, () => {
              const mutated = replaceLine(original, r.line, mutatedLine);
              assertFlaggedAndFixed(
                `${option} of ${label}`,
                mutated,
                [r.line],
                ['istio.wrong-mark'],
                [original],
              );
            });
          });
        }
        for (const m of r.text.matchAll(portOption)) {
          const [whole, option, port] = m;
          const start = (m.index ?? 0) + whole.length - (port as string).length;
          const mutatedLine =
            r.text.slice(0, start) + String(Number(port) + 1) + r.text.slice(start + (port as string).length);
          it(`Should flag a changed ${option} ${port} in ${label} (line ${r.line}) as istio.wrong-port`, () => {
            const mutated = replaceLine(original, r.line, mutatedLine);
            assertFlaggedAndFixed(
              `${option} of ${label}`,
              mutated,
              [r.line],
              ['istio.wrong-port'],
              [original],
            );
          });
        }
      }
    });
  }
});
