/**
 * The tracer's entry points for the CLI, the LSP request and the tests: trace a packet spec or a
 * built-in scenario through a parsed document. Pure; never throws.
 */
import type { TraceParams, TraceResponse, TraceScenarioInfo } from '../../../common/traceProtocol';
import type { ParsedDocument } from '../parser/parseDocument';
import { formatTraceJson } from './format';
import { parsePacketSpec } from './packet';
import { findScenario, scenariosFor } from './scenarios';
import { simulate } from './simulator';
import type { Scenario, TraceOptions, TraceResult } from './types';

export type TraceOutcome =
  { readonly ok: true; readonly result: TraceResult } | { readonly ok: false; readonly error: string };

/** Traces one packet given as a spec string (`tcp 10.0.0.1:1234 -> 10.0.0.2:80 out`). */
export function tracePacket(doc: ParsedDocument, specText: string, options: TraceOptions = {}): TraceOutcome {
  const parsed = parsePacketSpec(specText);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return {
    ok: true,
    result: simulate(doc.ruleset, [{ kind: 'packet', spec: parsed.spec, description: 'packet' }], options),
  };
}

/** Traces a scenario (built-in or the caller's own). */
export function traceScenario(
  doc: ParsedDocument,
  scenario: Scenario,
  options: TraceOptions = {},
): TraceResult {
  return simulate(doc.ruleset, scenario.packets, {
    ...(scenario.localAddresses !== undefined ? { localAddresses: scenario.localAddresses } : {}),
    ...options,
  });
}

/** Traces a built-in scenario by name; the error lists the names that fit the document. */
export function traceScenarioByName(
  doc: ParsedDocument,
  name: string,
  options: TraceOptions = {},
): TraceOutcome {
  const scenario = findScenario(doc.ruleset, name);
  if (scenario === undefined) {
    const names = scenariosFor(doc.ruleset).map((s) => s.name);
    return { ok: false, error: `unknown scenario '${name}' for this file (available: ${names.join(', ')})` };
  }
  return { ok: true, result: traceScenario(doc, scenario, options) };
}

export { scenariosFor } from './scenarios';

/**
 * The whole `iptables/trace` request for the LSP handler: params in, the protocol's response out.
 * Exactly one of `packet` / `scenario` must be given; errors come back in `error`, never thrown.
 */
export function answerTraceRequest(
  doc: ParsedDocument,
  params: Pick<TraceParams, 'packet' | 'scenario'>,
  options: TraceOptions = {},
): TraceResponse {
  if ((params.packet === undefined) === (params.scenario === undefined)) {
    return { error: 'give exactly one of "packet" or "scenario"' };
  }
  const outcome =
    params.packet !== undefined
      ? tracePacket(doc, params.packet, options)
      : traceScenarioByName(doc, params.scenario ?? '', options);
  return outcome.ok ? { result: formatTraceJson(outcome.result) } : { error: outcome.error };
}

/** The `iptables/traceScenarios` answer: the built-in scenarios that fit the document. */
export function listTraceScenarios(doc: ParsedDocument): TraceScenarioInfo[] {
  return scenariosFor(doc.ruleset).map(({ name, title, description }) => ({ name, title, description }));
}
