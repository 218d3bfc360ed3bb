import * as assert from 'assert';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { tracePacket } from '../../../server/src/trace/tracer';
import { formatTraceJson } from '../../../server/src/trace/format';
import type { TraceJsonResult } from '../../../common/traceProtocol';
import { renderTraceHtml } from '../../../client/src/trace/renderHtml';

/** Markup a hostile dump can carry: iptables accepts it in comments and chain names alike. */
const payload = `<script>alert(1)</script> ' </style> <img src=x onerror=alert(2)> x" onclick="alert(3)`;

const hostileDump = [
  '*filter', // 1
  ':INPUT ACCEPT [0:0]', // 2
  ':FORWARD ACCEPT [0:0]', // 3
  ':OUTPUT ACCEPT [0:0]', // 4
  ':X<b> - [0:0]', // 5  a chain whose name is markup
  `-A OUTPUT -p tcp -m comment --comment "${payload.replace(/"/g, "'")}" -j X<b>`, // 6
  '-A X<b> -p tcp -j ACCEPT', // 7
  'COMMIT', // 8
  '',
].join('\n');

/** Every tag the trace page is built from; anything else in the output came from the document. */
const ownTags = new Set(
  'html head meta title style body h1 h2 section ul li b p code div svg g rect text path a table thead tbody tr th td script'.split(
    ' ',
  ),
);

function traceOfHostileDump(): TraceJsonResult {
  const outcome = tracePacket(parseDocument(hostileDump), 'tcp 10.0.0.1:1000 -> 10.0.0.2:80 out');
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.error);
  return formatTraceJson(outcome.result);
}

/** The same result with the payload in every string the server could send back. */
function withPayloadEverywhere(result: TraceJsonResult): TraceJsonResult {
  return {
    ...result,
    environment: [payload],
    assumptions: [{ line: 6, packet: 0, reason: payload, matched: true }],
    packets: result.packets.map((p) => ({
      ...p,
      description: payload,
      spec: payload,
      steps: p.steps.map((s) => ({
        ...s,
        chain: payload,
        table: payload,
        note: payload,
        action: payload,
        to: payload,
      })),
    })),
  };
}

function render(result: TraceJsonResult, title = payload): string {
  return renderTraceHtml({
    title,
    result,
    lines: hostileDump.split('\n'),
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  });
}

function tagNames(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1].toLowerCase());
}

function cspOf(html: string): string {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp !== undefined, 'the page declares a Content-Security-Policy');
  return csp;
}

describe('Trace view with markup in the dump', () => {
  it('Should show a comment and a chain name full of markup only as text', () => {
    const html = render(traceOfHostileDump());
    assert.deepStrictEqual(
      tagNames(html).filter((t) => !ownTags.has(t)),
      [],
      'only the page’s own tags',
    );
    assert.strictEqual((html.match(/<script/g) ?? []).length, 1);
    assert.strictEqual((html.match(/<\/script>/g) ?? []).length, 1);
    assert.strictEqual((html.match(/<\/style>/g) ?? []).length, 1);
    assert.ok(html.includes('X&lt;b&gt;'), 'the chain name is shown, escaped');
    assert.ok(html.includes('&lt;img src=x onerror=alert(2)&gt;'), 'the comment is shown, escaped');
  });

  it('Should escape every string of the trace result, also inside attributes', () => {
    const html = render(withPayloadEverywhere(traceOfHostileDump()));
    assert.deepStrictEqual(
      tagNames(html).filter((t) => !ownTags.has(t)),
      [],
    );
    assert.strictEqual((html.match(/<script/g) ?? []).length, 1);
    assert.strictEqual((html.match(/<\/style>/g) ?? []).length, 1);
    assert.ok(!html.includes('" onclick="'), 'no attribute breaks out of its quotes');
    assert.ok(!html.includes("' </style>"));
    assert.ok(html.includes('x&quot; onclick=&quot;alert(3)'));
    assert.ok(html.includes('&#39; &lt;/style&gt;'));
  });

  it('Should declare a strict CSP whose nonce is the one on the script and the style', () => {
    const html = render(traceOfHostileDump());
    const csp = cspOf(html);
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    assert.deepStrictEqual(directives.get('default-src'), ["'none'"]);
    const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(directives.get('script-src')?.join(' ') ?? '')?.[1];
    assert.ok(nonce !== undefined, `script-src allows only a nonce: ${csp}`);
    assert.ok(Buffer.from(nonce, 'base64').length >= 16, 'at least 128 random bits (CSP3 §7.1)');
    assert.deepStrictEqual(directives.get('style-src'), [
      'https://file+.vscode-resource.vscode-cdn.net',
      `'nonce-${nonce}'`,
    ]);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
    assert.ok(html.includes(`<script nonce="${nonce}">`));
    assert.ok(html.includes(`<style nonce="${nonce}">`));
    for (const fetchDirective of ['img-src', 'connect-src', 'font-src'])
      assert.deepStrictEqual(directives.get(fetchDirective), ["'none'"], fetchDirective);
  });

  it('Should use a fresh nonce for every render', () => {
    const result = traceOfHostileDump();
    const nonces = new Set(
      Array.from({ length: 5 }, () => /'nonce-([^']+)'/.exec(cspOf(render(result)))?.[1]),
    );
    assert.strictEqual(nonces.size, 5);
    assert.ok(!nonces.has(undefined));
  });
});
