import type { Span } from './span';
import type { Counters, Token } from './syntax';

/**
 * One option occurrence inside a rule, as written: `! --dport 15008`.
 * `name` is the canonical long name without dashes (`dport`, `to-ports`, `source`), resolved through
 * aliases and unique-prefix abbreviation; `token` keeps what the user wrote (`--to-port`).
 */
export interface OptionUse {
  readonly name: string;
  readonly token: Token;
  readonly negated: boolean;
  /** Span of the `!` when negated. */
  readonly negationSpan?: Span;
  readonly args: readonly Token[];
  /** From the `!` (or the option) to the last argument. */
  readonly span: Span;
}

/** A parsed value together with the option it came from. */
export interface Negatable<T> {
  readonly value: T;
  readonly negated: boolean;
  readonly option: OptionUse;
}

/** An address with its mask, as `-s`/`-d`/`--to-destination` carry it. Numbers are big-endian bigints. */
export interface AddressSpec {
  readonly family: 4 | 6;
  /** The network address as written (host bits are NOT cleared here; iptables-save clears them). */
  readonly address: bigint;
  readonly mask: bigint;
  /** Prefix length when the mask is contiguous; undefined for a non-contiguous dotted mask. */
  readonly prefix?: number;
  /** As written, e.g. `169.254.7.127/32`. */
  readonly text: string;
  readonly span: Span;
  /**
   * Set when the text is a hostname, which iptables resolves once at load time. Offline we cannot:
   * `localhost` is resolved, any other name keeps address 0 and a consumer must treat the
   * address as unknown (the tracer reports "cannot decide").
   */
  readonly hostname?: string;
}

/** An interface name with iptables' `+` prefix wildcard. */
export interface InterfaceSpec {
  readonly name: string;
  /** `eth+` matches every name starting with `eth`; a lone `+` matches all. */
  readonly wildcard: boolean;
}

/** Inclusive port range; a single port has from === to. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

/** `value/mask` as used by mark, connmark and the MARK/CONNMARK targets. All unsigned 32-bit. */
export interface MarkSpec {
  readonly value: number;
  readonly mask: number;
  /** The mask was written explicitly (`0x539/0xfff`) rather than defaulted to 0xffffffff. */
  readonly maskGiven: boolean;
  readonly text: string;
}

interface MatchBase<M extends string> {
  /** Canonical module name, lower-case. */
  readonly module: M;
  /** The `-m`/`--match` token; absent for an implicit match loaded by `-p tcp`. */
  readonly matchToken?: Token;
  /** The module-name token after `-m`. */
  readonly moduleToken?: Token;
  readonly implicit: boolean;
  /** Every option given to this match, in order. */
  readonly options: readonly OptionUse[];
  /** From `-m` to the end of the last option. For implicit matches: the options only. */
  readonly span: Span;
}

export interface TcpMatch extends MatchBase<'tcp'> {
  readonly sport?: Negatable<PortRange>;
  readonly dport?: Negatable<PortRange>;
  /** `--tcp-flags mask comp` (and `--syn`, normalised to `FIN,SYN,RST,ACK SYN`). */
  readonly tcpFlags?: Negatable<{ readonly mask: readonly string[]; readonly comp: readonly string[] }>;
  readonly tcpOption?: Negatable<number>;
}

export interface UdpMatch extends MatchBase<'udp'> {
  readonly sport?: Negatable<PortRange>;
  readonly dport?: Negatable<PortRange>;
}

export interface MultiportMatch extends MatchBase<'multiport'> {
  readonly sports?: Negatable<readonly PortRange[]>;
  readonly dports?: Negatable<readonly PortRange[]>;
  readonly ports?: Negatable<readonly PortRange[]>;
}

export interface MarkMatch extends MatchBase<'mark'> {
  readonly mark?: Negatable<MarkSpec>;
}

export interface ConnmarkMatch extends MatchBase<'connmark'> {
  readonly mark?: Negatable<MarkSpec>;
}

export type CtState = 'INVALID' | 'NEW' | 'ESTABLISHED' | 'RELATED' | 'UNTRACKED' | 'SNAT' | 'DNAT';

export interface ConntrackMatch extends MatchBase<'conntrack'> {
  readonly ctstate?: Negatable<readonly CtState[]>;
  readonly ctproto?: Negatable<string>;
  readonly ctorigsrc?: Negatable<AddressSpec>;
  readonly ctorigdst?: Negatable<AddressSpec>;
  readonly ctreplsrc?: Negatable<AddressSpec>;
  readonly ctrepldst?: Negatable<AddressSpec>;
  readonly ctorigsrcport?: Negatable<PortRange>;
  readonly ctorigdstport?: Negatable<PortRange>;
  readonly ctreplsrcport?: Negatable<PortRange>;
  readonly ctrepldstport?: Negatable<PortRange>;
  readonly ctstatus?: Negatable<readonly string[]>;
  readonly ctdir?: Negatable<'ORIGINAL' | 'REPLY'>;
}

export interface StateMatch extends MatchBase<'state'> {
  readonly state?: Negatable<readonly CtState[]>;
}

export interface OwnerMatch extends MatchBase<'owner'> {
  /** Inclusive id ranges; names that cannot be resolved offline keep from/to = NaN and text. */
  readonly uidOwner?: Negatable<IdRange>;
  readonly gidOwner?: Negatable<IdRange>;
  readonly socketExists?: Negatable<true>;
  readonly supplGroups?: boolean;
}

export interface IdRange {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

export interface SocketMatch extends MatchBase<'socket'> {
  readonly transparent: boolean;
  readonly nowildcard: boolean;
  readonly restoreSkmark: boolean;
}

export interface AddrtypeMatch extends MatchBase<'addrtype'> {
  readonly srcType?: Negatable<readonly string[]>;
  readonly dstType?: Negatable<readonly string[]>;
  readonly limitIfaceIn: boolean;
  readonly limitIfaceOut: boolean;
}

export interface CommentMatch extends MatchBase<'comment'> {
  readonly comment?: string;
}

export interface StatisticMatch extends MatchBase<'statistic'> {
  readonly mode?: 'random' | 'nth';
  readonly probability?: number;
  readonly every?: number;
  readonly packet?: number;
  readonly negated: boolean;
}

export interface SetMatch extends MatchBase<'set'> {
  readonly matchSet?: Negatable<{ readonly name: string; readonly flags: readonly ('src' | 'dst')[] }>;
}

export interface IprangeMatch extends MatchBase<'iprange'> {
  readonly srcRange?: Negatable<{ readonly from: AddressSpec; readonly to: AddressSpec }>;
  readonly dstRange?: Negatable<{ readonly from: AddressSpec; readonly to: AddressSpec }>;
}

export interface PhysdevMatch extends MatchBase<'physdev'> {
  readonly physdevIn?: Negatable<InterfaceSpec>;
  readonly physdevOut?: Negatable<InterfaceSpec>;
  readonly physdevIsIn?: Negatable<true>;
  readonly physdevIsOut?: Negatable<true>;
  readonly physdevIsBridged?: Negatable<true>;
}

export interface IcmpMatch extends MatchBase<'icmp'> {
  /** `type` 255 with no code means "any". */
  readonly icmpType?: Negatable<{ readonly type: number; readonly code?: number; readonly text: string }>;
}

export interface Icmp6Match extends MatchBase<'icmp6'> {
  readonly icmpv6Type?: Negatable<{ readonly type: number; readonly code?: number; readonly text: string }>;
}

export interface MacMatch extends MatchBase<'mac'> {
  readonly macSource?: Negatable<string>;
}

export interface LimitMatch extends MatchBase<'limit'> {
  /** Packets per second as given (`3/hour` → 3/3600). */
  readonly limit?: { readonly perSecond: number; readonly text: string };
  readonly burst?: number;
}

/** A module we do not model: kept with its raw options so nothing is silently dropped. */
export interface UnknownMatch extends MatchBase<string> {
  readonly unknown: true;
}

export type KnownMatch =
  | TcpMatch
  | UdpMatch
  | MultiportMatch
  | MarkMatch
  | ConnmarkMatch
  | ConntrackMatch
  | StateMatch
  | OwnerMatch
  | SocketMatch
  | AddrtypeMatch
  | CommentMatch
  | StatisticMatch
  | SetMatch
  | IprangeMatch
  | PhysdevMatch
  | IcmpMatch
  | Icmp6Match
  | MacMatch
  | LimitMatch;

export type Match = KnownMatch | UnknownMatch;

export function isUnknownMatch(m: Match): m is UnknownMatch {
  return (m as UnknownMatch).unknown === true;
}

interface TargetBase<K extends string> {
  readonly kind: K;
  /** The target name as written after -j/-g (for user chains: the chain name). */
  readonly name: string;
  readonly nameToken: Token;
  /** The `-j`/`-g` token. */
  readonly jumpToken: Token;
  readonly goto: boolean;
  readonly options: readonly OptionUse[];
  /** From `-j` to the end of the last target option. */
  readonly span: Span;
}

export type VerdictTarget = TargetBase<'ACCEPT'> | TargetBase<'DROP'> | TargetBase<'RETURN'>;

export interface RejectTarget extends TargetBase<'REJECT'> {
  readonly rejectWith?: string;
}

export interface LogTarget extends TargetBase<'LOG'> {
  readonly level?: string;
  readonly prefix?: string;
}

export interface NflogTarget extends TargetBase<'NFLOG'> {
  readonly group?: number;
  readonly prefix?: string;
}

/**
 * MARK/CONNMARK set operations, all normalised to the kernel's xmark form:
 * `x = (x & ~mask) ^ value` (--set-mark v/m → value v, mask v|m; --and-mark b → 0/~b; --or-mark b → b/b; --xor-mark b → b/0).
 */
export interface XmarkOp {
  readonly kind: 'set-xmark';
  readonly value: number;
  readonly mask: number;
  /** The option as written (`set-mark`, `or-mark` …) before normalisation. */
  readonly writtenAs: string;
}

export interface MarkTarget extends TargetBase<'MARK'> {
  readonly op?: XmarkOp;
}

export interface ConnmarkSaveRestore {
  readonly kind: 'save-mark' | 'restore-mark';
  readonly nfmask: number;
  readonly ctmask: number;
}

export interface ConnmarkTarget extends TargetBase<'CONNMARK'> {
  readonly op?: XmarkOp | ConnmarkSaveRestore;
}

export interface CtTarget extends TargetBase<'CT'> {
  readonly notrack: boolean;
  readonly zone?: number;
  readonly helper?: string;
}

export interface TproxyTarget extends TargetBase<'TPROXY'> {
  readonly onPort?: number;
  readonly onIp?: AddressSpec;
  readonly tproxyMark?: { readonly value: number; readonly mask: number };
}

export interface RedirectTarget extends TargetBase<'REDIRECT'> {
  readonly toPorts?: PortRange;
  readonly random: boolean;
}

/** `[ip[-ip]][:port[-port]]` */
export interface NatRange {
  readonly fromAddress?: AddressSpec;
  readonly toAddress?: AddressSpec;
  readonly ports?: PortRange;
  readonly text: string;
}

export interface DnatTarget extends TargetBase<'DNAT'> {
  readonly toDestination?: NatRange;
}

export interface SnatTarget extends TargetBase<'SNAT'> {
  readonly toSource?: NatRange;
}

export interface MasqueradeTarget extends TargetBase<'MASQUERADE'> {
  readonly toPorts?: PortRange;
}

export type TraceTarget = TargetBase<'TRACE'>;
export type NotrackTarget = TargetBase<'NOTRACK'>;

export interface TcpmssTarget extends TargetBase<'TCPMSS'> {
  readonly setMss?: number;
  readonly clampMssToPmtu: boolean;
}

/** A jump or goto to a user-defined chain (declared or not — the ruleset knows which). */
export type ChainTarget = TargetBase<'chain'>;

/** An extension target we do not model, kept with its options. */
export type UnknownTarget = TargetBase<'unknown'>;

export type Target =
  | VerdictTarget
  | RejectTarget
  | LogTarget
  | NflogTarget
  | MarkTarget
  | ConnmarkTarget
  | CtTarget
  | TproxyTarget
  | RedirectTarget
  | DnatTarget
  | SnatTarget
  | MasqueradeTarget
  | TraceTarget
  | NotrackTarget
  | TcpmssTarget
  | ChainTarget
  | UnknownTarget;

export type TargetKind = Target['kind'];

/**
 * A rule specification: the generic options, the matches in evaluation order, and the target.
 * Matches are ANDed left to right (generic options first, as the kernel evaluates ipt_entry before matches).
 */
export interface Rule {
  /** Table and chain the command addressed (`-A CHAIN` under `*table`). */
  readonly table: string;
  readonly chain: string;
  readonly line: number;
  /** The whole command line. */
  readonly span: Span;
  readonly counters?: Counters;
  /** Protocol, lower-case name (numbers mapped to names; `all` kept as `all`). */
  readonly protocol?: Negatable<string>;
  /** Comma lists expand into several kernel rules; all addresses are kept here. */
  readonly source?: Negatable<readonly AddressSpec[]>;
  readonly destination?: Negatable<readonly AddressSpec[]>;
  readonly inInterface?: Negatable<InterfaceSpec>;
  readonly outInterface?: Negatable<InterfaceSpec>;
  readonly fragment?: Negatable<true>;
  /** `-4`/`-6`: the line applies only to that family (the other restore tool skips it). */
  readonly familyOnly?: 4 | 6;
  readonly matches: readonly Match[];
  readonly target?: Target;
  /** Every generic option use (-s, -d, -i, -o, -p, -f, -4, -6, -c), in order. */
  readonly genericOptions: readonly OptionUse[];
}
