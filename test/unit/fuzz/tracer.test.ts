/**
 * Property: the tracer (trace/*, through the `iptables/trace` entry of the language service) never
 * throws on mutated dumps, with valid and broken packet specs and every built-in scenario that fits
 * the rule set; it answers with exactly one of a result or an error, and every rule line it cites
 * (1-based, as the trace protocol counts) exists in the document.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TraceResponse } from '../../../common/traceProtocol';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import type { ParsedDocument } from '../../../server/src/parser/parseDocument';
import { checkProperty, runLabel } from '../../helpers/fuzzConfig';
import {
  applyMutation,
  mutatedCase,
  mutation,
  packetSpecs,
  seedFiles,
  textOf,
} from '../../helpers/fuzzInputs';
import { editorLines, languageService } from '../../helpers/fuzzInvariants';

/** Every numeric `line` field anywhere in a trace answer. */
function citedLines(value: unknown, found: number[] = []): number[] {
  if (Array.isArray(value)) for (const v of value) citedLines(v, found);
  else if (typeof value === 'object' && value !== null)
    for (const [key, v] of Object.entries(value)) {
      if (key === 'line' && typeof v === 'number') found.push(v);
      else citedLines(v, found);
    }
  return found;
}

function assertTraceAnswer(doc: ParsedDocument, response: TraceResponse, what: string): void {
  assert.ok('result' in response !== 'error' in response, `${what}: exactly one of result and error`);
  const lineCount = editorLines(doc.text).length;
  for (const line of citedLines(response))
    assert.ok(
      Number.isInteger(line) && line >= 1 && line <= lineCount,
      `${what}: cites line ${line} of ${lineCount}`,
    );
}

function assertTraces(doc: ParsedDocument, packet: string): void {
  assertTraceAnswer(doc, languageService.trace(doc, { packet }), `packet ${JSON.stringify(packet)}`);
  for (const scenario of languageService.getTraceScenarios(doc))
    assertTraceAnswer(
      doc,
      languageService.trace(doc, { scenario: scenario.name }),
      `scenario ${scenario.name}`,
    );
}

/** A packet spec from the list, sometimes mutated like a document (byte flips, stray tokens). */
const packetSpec = fc
  .tuple(fc.constantFrom(...packetSpecs), fc.array(mutation, { maxLength: 2 }))
  .map(([spec, mutations]) => mutations.reduce(applyMutation, spec));

describe('Fuzz: tracer', function () {
  it('Should trace every packet spec and scenario on every seed file', function () {
    for (const seed of seedFiles) {
      const doc = parseDocument(seed.text);
      for (const packet of packetSpecs)
        assertTraceAnswer(doc, languageService.trace(doc, { packet }), seed.name);
      assertTraces(doc, packetSpecs[0]);
    }
  });

  it(`Should trace packets and scenarios through mutated real dumps${runLabel(9601)}`, function () {
    checkProperty(9601, fc.tuple(mutatedCase(), packetSpec), ([c, packet]) =>
      assertTraces(parseDocument(textOf(c)), packet),
    );
  });
});
