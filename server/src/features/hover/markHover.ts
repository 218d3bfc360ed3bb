import type { OptionUse, Target } from '../../model/rule';
import { parseValueMask } from '../../format/numbers';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import { bitView, bitsOutsideMask, describeMaskBits, hex32, hexAndDecimal } from './marks';

/** What a `value[/mask]` argument does where it is written. */
export type MarkRole =
  /** `-m mark --mark`: tests the packet mark. */
  | 'test-nfmark'
  /** `-m connmark --mark`: tests the connection mark. */
  | 'test-ctmark'
  /** MARK / TPROXY: updates the packet mark. */
  | 'set-nfmark'
  /** CONNMARK --set-xmark …: updates the connection mark. */
  | 'set-ctmark'
  /** `--nfmask` / `--ctmask` / `--mask`: selects bits to copy. */
  | 'mask';

const markNames: Record<MarkRole, string> = {
  'test-nfmark': 'nfmark',
  'test-ctmark': 'ctmark',
  'set-nfmark': 'nfmark',
  'set-ctmark': 'ctmark',
  mask: 'mark',
};

/**
 * A mark value decoded: the test or update it performs in kernel terms (xt_mark.c, xt_connmark.c,
 * xt_MARK via xt_mark.c, xt_TPROXY.c), hex and decimal, which bits the mask selects, and a bit view.
 * Istio meaning lines are appended by the caller.
 */
export function markValueHover(
  text: string,
  role: MarkRole,
  use: OptionUse,
  target?: Target,
): HoverContent | undefined {
  const parsed = parseValueMask(text);
  if (!parsed) return undefined;
  if (role === 'mask') {
    return {
      headline: `${hex32(parsed.value)} — mask`,
      details: [`Selects ${describeMaskBits(parsed.value)}.`, `${hexAndDecimal(parsed.value)}`],
      code: [bitView(0, parsed.value)[0] ?? ''],
    };
  }
  const normalised = xmarkOf(target, parsed);
  const value = normalised.value;
  const mask = normalised.mask;
  const name = markNames[role];
  const details: string[] = [];
  if (role === 'test-nfmark' || role === 'test-ctmark') {
    details.push(
      `Matches when ${code(`${name} & ${hex32(mask)} == ${hex32(value)}`)}${use.negated ? ' is **false** (negated with `!`)' : ''}.`,
    );
    if (parsed.mask === undefined)
      details.push('No mask written: all 32 bits are compared (mask 0xffffffff).');
    if (bitsOutsideMask(value, mask) !== 0) {
      details.push(
        `⚠ The value has bits outside the mask (${hex32(bitsOutsideMask(value, mask))}): this test can never be true.`,
      );
    }
  } else {
    details.push(
      `Sets ${code(`${name} = (${name} & ~${hex32(mask)}) ^ ${hex32(value)}`)}: clears ${describeMaskBits(mask)}, then sets ${hex32(value)}.`,
    );
    if (
      normalised.writtenAs &&
      normalised.writtenAs !== 'set-xmark' &&
      normalised.writtenAs !== 'tproxy-mark'
    ) {
      details.push(
        `Written as \`--${normalised.writtenAs}\`; iptables-save prints \`--set-xmark ${hex32(value)}/${hex32(mask)}\`.`,
      );
    }
  }
  details.push(`Value ${hexAndDecimal(value)}, mask ${hexAndDecimal(mask)} = ${describeMaskBits(mask)}.`);
  return {
    headline: `${text} — ${role.startsWith('test') ? `${name} test` : `${name} update`}`,
    details,
    code: bitView(value, mask),
  };
}

/** MARK/CONNMARK ops are kept normalised to set-xmark in the model (model/rule.ts XmarkOp); use that when present. */
function xmarkOf(
  target: Target | undefined,
  parsed: { value: number; mask?: number },
): { value: number; mask: number; writtenAs?: string } {
  if (
    target &&
    (target.kind === 'MARK' || target.kind === 'CONNMARK') &&
    target.op &&
    target.op.kind === 'set-xmark'
  ) {
    return { value: target.op.value >>> 0, mask: target.op.mask >>> 0, writtenAs: target.op.writtenAs };
  }
  return { value: parsed.value >>> 0, mask: (parsed.mask ?? 0xffffffff) >>> 0 };
}

/** Target options whose argument is a `value[/mask]` update, and those that are masks. Source: iptables-extensions(8) MARK, CONNMARK, TPROXY. */
const markUpdateOptions = new Set([
  'set-xmark',
  'set-mark',
  'and-mark',
  'or-mark',
  'xor-mark',
  'tproxy-mark',
]);
const maskOptions = new Set(['nfmask', 'ctmask', 'mask']);

/** The role of a mark-valued option, from who owns it and its canonical name; undefined for anything else. */
export function markRoleOf(
  ownerKind: 'match' | 'target',
  moduleOrTarget: string,
  optionName: string,
): MarkRole | undefined {
  if (ownerKind === 'match') {
    if (optionName !== 'mark') return undefined;
    if (moduleOrTarget === 'mark') return 'test-nfmark';
    if (moduleOrTarget === 'connmark') return 'test-ctmark';
    return undefined;
  }
  if (maskOptions.has(optionName)) return 'mask';
  if (!markUpdateOptions.has(optionName)) return undefined;
  if (moduleOrTarget === 'MARK' || moduleOrTarget === 'TPROXY') return 'set-nfmark';
  if (moduleOrTarget === 'CONNMARK') return 'set-ctmark';
  return undefined;
}
