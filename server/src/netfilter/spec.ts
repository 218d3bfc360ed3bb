/**
 * Types of the netfilter knowledge base: tables, hooks, generic options, match modules and targets
 * as data. The parser resolves options through these tables, the checks read the kernel's
 * table/hook restrictions from them, and hovers/completion render their documentation, so all
 * three always agree (ARCHITECTURE rule 5). Sources: iptables(8), iptables-extensions(8) of
 * iptables 1.8.9, and the kernel's xt_* modules; each entry's `source` names where a fact comes from.
 */

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter' | 'security';

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** How an option's argument is interpreted (drives parsing, validation, completion and hover decoding). */
export type ValueKind =
  | 'flag'
  | 'protocol'
  | 'address-list'
  | 'address'
  | 'address-range'
  | 'interface'
  | 'port-range'
  | 'port-list'
  | 'mark'
  | 'ctstate-list'
  | 'ctstatus-list'
  | 'ctdir'
  | 'id-range'
  | 'addrtype-list'
  | 'tcp-flags'
  | 'icmp-type'
  | 'icmpv6-type'
  | 'number'
  | 'probability'
  | 'rate'
  | 'string'
  | 'set-spec'
  | 'nat-range'
  | 'mac'
  | 'reject-type'
  | 'log-level'
  | 'enum';

export interface OptionSpec {
  /** Canonical long name without dashes, e.g. `dport`. */
  readonly name: string;
  /** Other long names accepted by getopt_long, e.g. `destination-port`. */
  readonly aliases?: readonly string[];
  /** Single-letter form without dash, for generic options (`p` for `--protocol`). */
  readonly short?: string;
  /** Argument tokens taken (tcp-flags and set take 2). */
  readonly args: 0 | 1 | 2;
  readonly negatable: boolean;
  readonly value: ValueKind;
  /** Allowed words for `enum`-like values (ctstates, addrtypes, reject types …). */
  readonly values?: readonly string[];
  /** `[!] --dport port[:port]` */
  readonly syntax: string;
  /** What it does, in our own words, man-page accurate. Markdown. */
  readonly summary: string;
  readonly default?: string;
  /** The option cannot be repeated in one rule. */
  readonly once?: boolean;
  /** The match/target refuses a rule without this option (`mark: option "--mark" must be specified`). */
  readonly required?: boolean;
  /** Names of options of the same module that cannot be combined with this one. */
  readonly conflicts?: readonly string[];
  /**
   * Hooks where the option is accepted (undefined = wherever its module/target is). Narrows the
   * owner's placement: `TCPMSS --clamp-mss-to-pmtu`, `addrtype --limit-iface-in`, `-i`/`-o`.
   * The kernel checks these in the extension's checkentry, which iptables-nft only runs with the
   * hook of a builtin chain; through user chains only iptables-legacy enforces them (observed).
   */
  readonly hooks?: readonly Hook[];
  /** Hooks where the option is accepted with a given argument value (`policy --dir in|out`). */
  readonly valueHooks?: Readonly<Record<string, readonly Hook[]>>;
  /** Argument values the kernel only accepts with `-p` of one of these protocols in the same rule. */
  readonly valueRequiresProtocol?: Readonly<Record<string, readonly string[]>>;
  /**
   * iptables takes the value from the whole argv word rather than from getopt's argument
   * (`argv[optind - 1]` in `do_parse`, iptables/xshared.c), so a value glued to the option is read
   * with the option in front of it: `-ptcp` is the protocol "-ptcp", `--source=10.0.0.1` the host
   * "--source=10.0.0.1", `-ieth0` the interface "-ieth0", `-jACCEPT` the target "-jACCEPT" (observed
   * with iptables 1.8.9, nft and legacy alike; `-g`, `-m` and extension options use getopt's argument).
   */
  readonly valueIsWholeWord?: boolean;
}

/** An iptables command (`-A`, `--insert` …) as the command-line parser knows it. */
export interface CommandSpec {
  /** Long name without dashes, e.g. `append`. */
  readonly name: string;
  /** Single letter, e.g. `A`. */
  readonly short: string;
  /**
   * What follows the command: `chain` (required chain), `chain?` (optional chain, -F/-X/-Z/-L/-S),
   * extra operands are described by `operands`.
   */
  readonly chain: 'required' | 'optional';
  /** Further positional operands: rule number (optional or required), policy, new name. */
  readonly operands: readonly ('rulenum?' | 'rulenum' | 'rulenum-or-spec' | 'policy' | 'new-name')[];
  /** The command carries a rule specification. */
  readonly takesRule: boolean;
  readonly syntax: string;
  readonly summary: string;
}

export interface ModuleSpec {
  /** Canonical module name as passed to `-m`. */
  readonly name: string;
  /** Other names accepted by `-m` (e.g. `icmpv6` for `icmp6`). */
  readonly aliases?: readonly string[];
  /** Restricted to one address family. */
  readonly family?: 4 | 6;
  /** Loaded implicitly by `-p <name>` (tcp, udp, icmp, icmp6 …). */
  readonly implicitFromProtocol?: readonly string[];
  /** The module needs one of these protocols in `-p` (multiport: tcp/udp/udplite/dccp/sctp). */
  readonly requiresProtocol?: readonly string[];
  /** Hooks where the kernel accepts the match (undefined = everywhere). Checked at commit time. */
  readonly hooks?: readonly Hook[];
  /** Tables where the kernel accepts the match (undefined = any). Checked at commit time. */
  readonly tables?: readonly TableName[];
  readonly options: readonly OptionSpec[];
  readonly summary: string;
  /** e.g. `iptables-extensions(8), "mark"` */
  readonly source: string;
}

export type Termination =
  /** Ends the packet's traversal of this table at this hook (ACCEPT, REDIRECT, DNAT …). */
  | 'terminal'
  /** Ends the packet (DROP, REJECT). */
  | 'final'
  /** Returns to the calling chain. */
  | 'return'
  /** Continues with the next rule (MARK, LOG, CONNMARK …). */
  | 'continue';

export interface TargetSpec {
  readonly name: string;
  readonly options: readonly OptionSpec[];
  readonly termination: Termination;
  /** Tables where the target may be used (undefined = any). Kernel-enforced at commit. */
  readonly tables?: readonly TableName[];
  /** Hooks where the target may be used (undefined = any). Kernel-enforced at commit. */
  readonly hooks?: readonly Hook[];
  /** The target's port options need `-p` of one of these. */
  readonly requiresProtocol?: readonly string[];
  /**
   * The kernel refuses the target unless the rule that carries it has `-p` of one of these, not
   * negated (TPROXY: tcp/udp; TCPMSS, SYNPROXY, TCPOPTSTRIP: tcp). Observed on both backends.
   */
  readonly kernelRequiresProtocol?: readonly string[];
  /**
   * Only this backend enforces `tables`/`hooks`: iptables-nft implements TRACE natively and
   * accepts it in any table. Undefined = both backends enforce them.
   */
  readonly placementEnforcedBy?: 'legacy';
  readonly family?: 4 | 6;
  readonly summary: string;
  readonly source: string;
}

export interface BuiltinChainSpec {
  readonly name: Hook;
  readonly summary: string;
}

export interface TableSpec {
  readonly name: TableName;
  /** Builtin chains in hook order (the order iptables-save prints them). */
  readonly chains: readonly Hook[];
  /** Hook priority per chain (lower runs first), from linux/netfilter_ipv4.h. */
  readonly priority: Readonly<Partial<Record<Hook, number>>>;
  readonly summary: string;
  readonly source: string;
}
