/**
 * Where to point requests in a generated dump: rule lines spread evenly over the file, and the
 * columns of the parts an editor user hovers or completes on.
 */

export interface Position {
  readonly line: number;
  readonly character: number;
}

/** `count` rule lines (`-A …`) spread evenly over `lines`, each the first rule at or after its slot. */
export function spreadRuleLines(lines: readonly string[], count: number, from = 0, to = 1): number[] {
  const picked: number[] = [];
  const first = Math.floor(lines.length * from);
  const span = Math.floor(lines.length * to) - first;
  for (let i = 0; i < count; i++) {
    let line = first + Math.floor((span * (i + 0.5)) / count);
    while (line < lines.length - 1 && !lines[line]!.startsWith('-A ')) line++;
    if (lines[line]!.startsWith('-A ')) picked.push(line);
  }
  return picked;
}

function columnAfter(text: string, needle: string): number | undefined {
  const at = text.indexOf(needle);
  return at === -1 ? undefined : at + needle.length;
}

/**
 * Hover probes cycling over what a user points at on a rule line: the chain after `-A`, the jump
 * target after `-j`, an option name (`--comment`, `--dport`, `--probability`…) and a match module after `-m`.
 */
export function hoverProbes(lines: readonly string[], ruleLines: readonly number[]): Position[] {
  return ruleLines.map((line, i) => {
    const text = lines[line]!;
    const candidates = [
      3,
      columnAfter(text, ' -j '),
      (columnAfter(text, ' --') ?? 1) - 1,
      columnAfter(text, ' -m '),
    ];
    return { line, character: (candidates[i % candidates.length] ?? 3) + 1 };
  });
}

/** Definition probes: on the jump target's name (a user chain on most kube-proxy rules). */
export function definitionProbes(lines: readonly string[], ruleLines: readonly number[]): Position[] {
  return ruleLines.map((line) => ({ line, character: (columnAfter(lines[line]!, ' -j ') ?? 3) + 1 }));
}

/** Completion probes: alternately at the end of the rule and right after a `-m ` (module names). */
export function completionProbes(lines: readonly string[], ruleLines: readonly number[]): Position[] {
  return ruleLines.map((line, i) => {
    const text = lines[line]!;
    const afterModule = columnAfter(text, ' -m ');
    return { line, character: i % 2 === 0 || afterModule === undefined ? text.length : afterModule };
  });
}

/**
 * A packet to the service of the last `-A KUBE-SERVICES -d ADDR/32 … --dport PORT` rule (the rule
 * a lookup reaches last), from a pod and marked 0x539 so Istio's ambient capture lets it through to
 * kube-proxy's chains (as in bench/trace.ts).
 */
export function lastServicePacket(lines: readonly string[]): string | undefined {
  for (let line = lines.length - 1; line >= 0; line--) {
    const match = /^-A KUBE-SERVICES -d (\d+\.\d+\.\d+\.\d+)\/32 .*--dport (\d+)/.exec(lines[line]!);
    if (match) return `tcp 10.244.0.5:43210 -> ${match[1]}:${match[2]} out mark=0x539`;
  }
  return undefined;
}

/** The column just after the opening quote of a rule's `--comment "`, where typing keeps the rule valid. */
export function insideComment(text: string): number | undefined {
  return columnAfter(text, '--comment "');
}
