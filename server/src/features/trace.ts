import type { TraceResponse, TraceScenarioInfo } from '../../../common/traceProtocol';
import type { ParsedDocument } from '../parser/parseDocument';
import { scenariosFor, traceScenarioByName, tracePacket } from '../trace/tracer';
import { formatTraceJson } from '../trace/format';

/** Answers `iptables/trace`: exactly one of `packet` (a spec) or `scenario` (a built-in name). */
export function trace(doc: ParsedDocument, request: { packet?: string; scenario?: string }): TraceResponse {
  const hasPacket = typeof request.packet === 'string' && request.packet.trim() !== '';
  const hasScenario = typeof request.scenario === 'string' && request.scenario !== '';
  if (hasPacket === hasScenario) return { error: 'give exactly one of a packet spec or a scenario name' };
  const outcome = hasPacket ? tracePacket(doc, request.packet!) : traceScenarioByName(doc, request.scenario!);
  return outcome.ok ? { result: formatTraceJson(outcome.result) } : { error: outcome.error };
}

/** The built-in scenarios that fit the document's rule set, for pickers. */
export function getTraceScenarios(doc: ParsedDocument): TraceScenarioInfo[] {
  return scenariosFor(doc.ruleset).map((s) => ({ name: s.name, title: s.title, description: s.description }));
}
