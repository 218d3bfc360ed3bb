/**
 * The `iptables/trace` custom request, shared by the server (which answers it) and the client (which
 * shows the result). The result is the same JSON the CLI prints with `trace --format json`.
 * Addresses are printed as text (`10.244.0.5`, `fd00::5`), marks as unsigned 32-bit numbers, and
 * every `line` is 1-based, as editors and `iptables-restore` error messages count lines.
 */

export const traceRequestMethod = 'iptables/trace';
export const traceScenariosRequestMethod = 'iptables/traceScenarios';

/** Params of `iptables/trace`: exactly one of `packet` or `scenario`. */
export interface TraceParams {
  readonly uri: string;
  /** A packet spec, e.g. `tcp 10.244.0.5:43210 -> 10.96.0.10:8080 out mark=0x539`. */
  readonly packet?: string;
  /** A built-in scenario name from `iptables/traceScenarios`. */
  readonly scenario?: string;
}

/** Params of `iptables/traceScenarios`: the scenarios that fit the document's rule set. */
export interface TraceScenariosParams {
  readonly uri: string;
}

export interface TraceScenarioInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
}

export type TraceJsonHook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** The packet after a step. */
export interface TraceJsonState {
  readonly family: 4 | 6;
  readonly protocol: string;
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly iif?: string;
  readonly oif?: string;
  readonly mark: number;
  readonly ctmark: number;
  readonly ctstate: string;
  readonly ctdir: 'ORIGINAL' | 'REPLY';
  readonly zone: number;
}

/**
 * One step. Rule, policy, return and loop steps carry `table`, `chain` and `line` (the rule, or the
 * chain declaration for a policy); `matched` is true/false/"undecidable" for rules and true for policies.
 * A `skipped` step stands for a run of more than ten consecutive rules of one chain that did not match
 * (a kube-proxy KUBE-SERVICES chain has thousands): `line` is the first, `lastLine` the last, `count`
 * how many, `matched` false; the packet is unchanged across them.
 */
export interface TraceJsonStep {
  readonly kind:
    'rule' | 'skipped' | 'policy' | 'return' | 'conntrack' | 'nat-skipped' | 'route' | 'loopback' | 'loop';
  readonly packet: number;
  readonly pass: number;
  readonly hook: TraceJsonHook;
  readonly table?: string;
  readonly chain?: string;
  readonly line?: number;
  /** `skipped` steps: the last rule's line of the run. */
  readonly lastLine?: number;
  /** `skipped` steps: how many rules the run holds. */
  readonly count?: number;
  readonly matched?: boolean | 'undecidable';
  readonly action?: string;
  /** Jump/goto target chain. */
  readonly to?: string;
  /** Why a rule did not match, why it was undecidable, or what a non-rule step decided. */
  readonly note?: string;
  readonly state: TraceJsonState;
}

export interface TraceJsonFinal {
  readonly fate: 'accept' | 'drop' | 'reject' | 'loop' | 'not-sent';
  readonly delivered?: 'local' | 'forward' | 'out';
  readonly oif?: string;
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  /** The local socket's port for local delivery (TPROXY's on-port, otherwise `dport`). */
  readonly socketPort?: number;
  readonly mark: number;
  readonly ctmark: number;
  /** 1-based line of the rule that decided the fate. */
  readonly decidedBy?: number;
}

export interface TraceJsonPacket {
  readonly description: string;
  /** The packet as a spec string that `--packet` accepts. */
  readonly spec: string;
  readonly steps: readonly TraceJsonStep[];
  readonly final: TraceJsonFinal;
}

export interface TraceJsonAssumption {
  readonly line: number;
  readonly packet: number;
  readonly reason: string;
  readonly matched: boolean;
}

export interface TraceJsonResult {
  readonly packets: readonly TraceJsonPacket[];
  /** Undecidable matches this branch assumed. */
  readonly assumptions: readonly TraceJsonAssumption[];
  /** Facts the trace assumed about the host (policy routes, local addresses). */
  readonly environment: readonly string[];
  /** The other outcomes of undecidable matches. */
  readonly alternatives: readonly TraceJsonResult[];
}

/** Response of `iptables/trace`: a result, or an error naming the bad part of the spec. */
export interface TraceResponse {
  readonly result?: TraceJsonResult;
  readonly error?: string;
}
