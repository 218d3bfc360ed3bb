import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { getTraceCodeLenses } from '../../../server/src/features/traceCodeLens';
import type { TraceResponse } from '../../../common/traceProtocol';
import { suiteClient } from '../../helpers/lspClient';

const example = fs.readFileSync(
  path.resolve(__dirname, '..', '..', '..', 'examples', 'ambient-dns-off.rules'),
  'utf8',
);
const lines = example.split('\n');
const lineOf = (text: string, from = 0) => lines.findIndex((l, i) => i >= from && l === text);
const natHeader = lineOf('*nat');
const natPrerouting = lineOf('-A PREROUTING -j ISTIO_PRERT', natHeader);
const natOutput = lineOf('-A OUTPUT -j ISTIO_OUTPUT', natHeader);

function titlesOn(lenses: CodeLens[], line: number): string[] {
  return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

describe('Trace code lenses', () => {
  const lenses = getTraceCodeLenses(parseDocument(example), 'file:///ambient.rules');

  it('Should show on the nat jump into ISTIO_OUTPUT that app TCP goes to ztunnel outbound :15001', () => {
    // istio-ambient.md §3.2 N12: outbound TCP not to 127.0.0.1 and not marked 0x539 → REDIRECT 15001.
    assert.ok(
      titlesOn(lenses, natOutput).includes(
        'App opens a TCP connection to a service → REDIRECT to ztunnel outbound capture :15001',
      ),
      titlesOn(lenses, natOutput).join('\n'),
    );
  });

  it('Should show on the nat jump into ISTIO_PRERT that inbound plaintext goes to :15006 and probes reach the app', () => {
    const titles = titlesOn(lenses, natPrerouting);
    // N6: inbound plaintext → REDIRECT 15006; N5: the kubelet probe (SNATed to 169.254.7.127) is accepted.
    assert.ok(
      titles.includes('Inbound plaintext TCP to the app → REDIRECT to ztunnel inbound plaintext :15006'),
      titles.join('\n'),
    );
    assert.ok(
      titles.includes('Kubelet probe from 169.254.7.127 → delivered locally :8080'),
      titles.join('\n'),
    );
  });

  it('Should not claim HBONE is redirected: it reaches ztunnel on 15008 untouched', () => {
    const hbone = lenses.find((l) => l.command?.title.startsWith('Inbound HBONE to 15008'));
    assert.ok(hbone);
    assert.strictEqual(
      hbone.command!.title,
      'Inbound HBONE to 15008 → delivered to ztunnel inbound HBONE :15008',
    );
  });

  it('Should open the trace of its scenario when clicked', () => {
    const lens = lenses.find((l) => l.range.start.line === natOutput)!;
    assert.strictEqual(lens.command!.command, 'iptablesLens.showTrace');
    assert.deepStrictEqual(lens.command!.arguments?.[0], 'file:///ambient.rules');
    assert.ok(typeof (lens.command!.arguments?.[1] as { scenario: string }).scenario === 'string');
  });

  it('Should put lenses on every table header that a scenario passed through', () => {
    for (const header of ['*mangle', '*nat']) assert.ok(titlesOn(lenses, lineOf(header)).length > 0, header);
  });
});

describe('Tracer over a real LSP connection', function () {
  this.timeout(30000);
  const uri = 'file:///ambient.rules';
  const client = suiteClient((c) => c.open(uri, example));

  it('Should answer iptables/trace for a packet spec with the kernel-order steps and the final fate', async () => {
    const response = await client().request<TraceResponse>('iptables/trace', {
      uri,
      packet: 'tcp 10.244.0.5:43210 -> 10.96.0.10:8080 out',
    });
    assert.ok(response.result, response.error);
    const packet = response.result.packets[0];
    assert.strictEqual(packet.final.fate, 'accept');
    assert.strictEqual(packet.final.delivered, 'local');
    assert.strictEqual(packet.final.socketPort, 15001);
    const redirect = packet.steps.find((s) => s.kind === 'rule' && s.action === 'redirect');
    assert.strictEqual(redirect?.line, lines.findIndex((l) => l.includes('--to-ports 15001')) + 1);
  });

  it('Should name the bad part of a packet spec', async () => {
    const response = await client().request<TraceResponse>('iptables/trace', {
      uri,
      packet: 'tcp 10.0.0.1:99999 -> 10.0.0.2:80 out',
    });
    assert.ok(response.error);
    assert.match(response.error, /99999/);
  });

  it('Should list the scenarios and serve the code lenses', async () => {
    const scenarios = await client().request<{ name: string }[]>('iptables/traceScenarios', { uri });
    assert.ok(scenarios.some((s) => s.name === 'app-outbound-tcp'));
    const lenses = await client().request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(
      lenses.some((l) => l.command?.title.startsWith('Istio ambient')),
      JSON.stringify(lenses.map((l) => l.command?.title)),
    );
    assert.ok(lenses.some((l) => l.command?.command === 'iptablesLens.showTrace'));
  });
});
