import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { traceScenarioByName } from '../../../server/src/trace/tracer';
import { formatTraceJson } from '../../../server/src/trace/format';
import type { TraceJsonResult } from '../../../common/traceProtocol';
import { renderPathSvg } from '../../../client/src/trace/renderSvg';
import { renderTraceHtml } from '../../../client/src/trace/renderHtml';

const examples = path.resolve(__dirname, '..', '..', '..', 'examples');
const text = fs.readFileSync(path.join(examples, 'ambient-dns-off.rules'), 'utf8');
const lines = text.split('\n');

function traceOf(scenario: string): TraceJsonResult {
  const outcome = traceScenarioByName(parseDocument(text), scenario);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.error);
  return formatTraceJson(outcome.result);
}

describe('Trace view rendering', () => {
  it('Should draw one lane per hook in the order the outbound SYN meets them, ending in its fate', () => {
    const packet = traceOf('app-outbound-tcp').packets[0];
    const svg = renderPathSvg(packet);
    const hooks = [...svg.matchAll(/<g class="lane" data-hook="([A-Z]+)">/g)].map((m) => m[1]);
    // Locally generated: OUTPUT then POSTROUTING; REDIRECT to 127.0.0.1 loops back: PREROUTING, INPUT.
    assert.deepStrictEqual(hooks, ['OUTPUT', 'POSTROUTING', 'PREROUTING', 'INPUT']);
    assert.match(svg, /<g class="fate fate-accept">[\s\S]*local :15001/);
  });

  it('Should emphasise exactly the chains where a rule matched, with their lines', () => {
    const packet = traceOf('app-outbound-tcp').packets[0];
    const svg = renderPathSvg(packet);
    const redirectLine = lines.findIndex((l) => l.includes('--to-ports 15001')) + 1;
    assert.ok(redirectLine > 0);
    const hitBoxes = [...svg.matchAll(/<g class="box hit" data-lines="([\d,]+)">/g)].map((m) => m[1]);
    assert.ok(
      hitBoxes.some((l) => l.split(',').includes(String(redirectLine))),
      hitBoxes.join(' '),
    );
    assert.match(svg, /<path class="path" d="M[\d.]+,[\d.]+ L/);
  });

  it('Should escape rule text and comments so the page cannot be broken by the dump', () => {
    const result = traceOf('app-outbound-tcp');
    const evil = lines.map((l) => (l.startsWith('-A ISTIO_OUTPUT') ? `${l} <script>alert(1)</script>` : l));
    const html = renderTraceHtml({
      title: 'a <b> & "c"',
      result,
      lines: evil,
      nonce: 'NONCE',
      cspSource: 'vscode-resource:',
    });
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>'));
  });

  it('Should allow no network source and only the nonce script (works offline)', () => {
    const html = renderTraceHtml({
      title: 't',
      result: traceOf('dns-udp'),
      lines,
      nonce: 'abc123',
      cspSource: 'vscode-resource:',
    });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(html.replace(/xmlns="http:\/\/www.w3.org\/2000\/svg"/g, ''), /https?:\/\//);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.deepStrictEqual(scripts, [' nonce="abc123"']);
  });

  it('Should colour only through VS Code theme variables', () => {
    const html = renderTraceHtml({
      title: 't',
      result: traceOf('inbound-plaintext'),
      lines,
      nonce: 'n',
      cspSource: 's',
    });
    const style = /<style[^>]*>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    assert.doesNotMatch(style, /#[0-9a-fA-F]{3,8}\b|rgb\(/);
    assert.match(style, /var\(--vscode-editor-foreground\)/);
  });

  it('Should list every step of every packet with a link to its rule line', () => {
    const result = traceOf('inbound-plaintext');
    const html = renderTraceHtml({ title: 't', result, lines, nonce: 'n', cspSource: 's' });
    const rows = (html.match(/<tr class="step /g) ?? []).length;
    assert.strictEqual(
      rows,
      result.packets.reduce((n, p) => n + p.steps.length, 0),
    );
    const redirect = lines.findIndex((l) => l.includes('--to-ports 15006')) + 1;
    assert.ok(html.includes(`data-line="${redirect}"`));
  });
});
