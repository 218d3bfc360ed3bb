import type { CodeLens } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../parser/parseDocument';
import type { Rule } from '../model/rule';
import { scenariosFor, traceScenario } from '../trace/tracer';
import type { PacketTrace, Scenario } from '../trace/types';
import { ambientChains } from '../istio/constants';
import { focusPacket, summarizePacket } from './traceSummary';

/** The command a trace lens runs: arguments `[uri, { scenario }]`; the client opens the trace view. */
export const showTraceCommand = 'iptablesLens.showTrace';

interface ScenarioOutcome {
  readonly scenario: Scenario;
  readonly packet: PacketTrace;
  readonly title: string;
  /** 1-based lines of the rules the focus packet matched. */
  readonly matchedLines: ReadonlySet<number>;
}

const outcomes = new WeakMap<ParsedDocument, readonly ScenarioOutcome[]>();

/** Every built-in scenario traced once per parsed document (the lenses of a version share it). */
function scenarioOutcomes(doc: ParsedDocument): readonly ScenarioOutcome[] {
  let cached = outcomes.get(doc);
  if (!cached) {
    cached = scenariosFor(doc.ruleset).flatMap((scenario) => {
      const packet = focusPacket(scenario, traceScenario(doc, scenario));
      if (!packet) return [];
      const matchedLines = new Set<number>();
      for (const step of packet.steps)
        if (step.kind === 'rule' && step.matched === true) matchedLines.add(step.line);
      return [{ scenario, packet, matchedLines, title: `${scenario.title} → ${summarizePacket(packet)}` }];
    });
    outcomes.set(doc, cached);
  }
  return cached;
}

const istioChains = new Set<string>([
  ambientChains.prerouting,
  ambientChains.output,
  ambientChains.hostPostrouting,
]);

function jumpsIntoIstioChain(rule: Rule): boolean {
  const target = rule.target;
  return target?.kind === 'chain' && (istioChains.has(target.name) || target.name.startsWith('ISTIO_'));
}

/**
 * Lenses with the outcome of each built-in scenario: on every table header (scenarios a rule of that
 * table acted on) and on every jump into an Istio chain (scenarios that took the jump). Clicking one
 * opens the full trace.
 */
export function getTraceCodeLenses(doc: ParsedDocument, uri: string): CodeLens[] {
  if (doc.ruleset.tables.length === 0) return [];
  const all = scenarioOutcomes(doc);
  const lenses: CodeLens[] = [];
  const lens = (line: number, start: number, end: number, o: ScenarioOutcome): CodeLens => ({
    range: { start: { line, character: start }, end: { line, character: end } },
    command: { title: o.title, command: showTraceCommand, arguments: [uri, { scenario: o.scenario.name }] },
  });
  for (const table of doc.ruleset.tables) {
    const first = table.line + 1;
    const last = table.endLine + 1;
    for (const o of all) {
      if ([...o.matchedLines].some((l) => l >= first && l <= last)) {
        lenses.push(lens(table.line, table.nameSpan.start, table.nameSpan.end, o));
      }
    }
    for (const chain of table.chains.values()) {
      if (!chain.builtin) continue;
      for (const rule of chain.rules) {
        if (!jumpsIntoIstioChain(rule)) continue;
        for (const o of all) {
          if (o.matchedLines.has(rule.line + 1))
            lenses.push(lens(rule.line, rule.span.start, rule.span.end, o));
        }
      }
    }
  }
  return lenses;
}
