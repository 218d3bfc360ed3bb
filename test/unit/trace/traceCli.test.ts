import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import type { TraceJsonResult } from '../../../common/traceProtocol';
import { runTrace } from '../../../server/src/cli/trace';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { defaultSettings } from '../../../server/src/settings';
import { formatTraceJson, formatTraceText } from '../../../server/src/trace/format';
import { answerTraceRequest, listTraceScenarios, tracePacket } from '../../../server/src/trace/tracer';

// Istio's in-pod nat rules, DNS capture off (istio-ambient.md §3.2, N1/N2, N7, N10–N12, N5/N6).
const ambient = [
  '*mangle', // 1
  ':PREROUTING ACCEPT [0:0]', // 2
  ':OUTPUT ACCEPT [0:0]', // 3
  ':ISTIO_OUTPUT - [0:0]', // 4
  ':ISTIO_PRERT - [0:0]', // 5
  '-A PREROUTING -j ISTIO_PRERT', // 6
  '-A OUTPUT -j ISTIO_OUTPUT', // 7
  '-A ISTIO_OUTPUT -m connmark --mark 0x111/0xfff -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff', // 8
  '-A ISTIO_PRERT -m mark --mark 0x539/0xfff -j CONNMARK --set-xmark 0x111/0xfff', // 9
  'COMMIT', // 10
  '*nat', // 11
  ':PREROUTING ACCEPT [0:0]', // 12
  ':INPUT ACCEPT [0:0]', // 13
  ':OUTPUT ACCEPT [0:0]', // 14
  ':POSTROUTING ACCEPT [0:0]', // 15
  ':ISTIO_OUTPUT - [0:0]', // 16
  ':ISTIO_PRERT - [0:0]', // 17
  '-A PREROUTING -j ISTIO_PRERT', // 18
  '-A OUTPUT -j ISTIO_OUTPUT', // 19
  '-A ISTIO_OUTPUT -d 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 20
  '-A ISTIO_OUTPUT -p tcp -m mark --mark 0x111/0xfff -j ACCEPT', // 21
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -j ACCEPT', // 22
  '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001', // 23
  '-A ISTIO_PRERT -s 169.254.7.127/32 -p tcp -m tcp -j ACCEPT', // 24
  '-A ISTIO_PRERT ! -d 127.0.0.1/32 -p tcp -m tcp ! --dport 15008 -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15006', // 25
  'COMMIT', // 26
  '',
].join('\n');

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runTrace(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readFile: async (path) => {
      if (path !== 'pod.rules') throw new Error(`${path}: no such file`);
      return ambient;
    },
  });
  return { code, out, err };
}

describe('trace CLI and request', () => {
  it('Should print JSON steps with hook, table, chain, 1-based line, matched and action', async () => {
    const { code, out } = await cli([
      'pod.rules',
      '--packet',
      'tcp 10.244.0.5:43210 -> 10.96.0.10:8080 out',
      '--format',
      'json',
    ]);
    assert.equal(code, 0);
    const result = JSON.parse(out) as TraceJsonResult;
    const redirect = result.packets[0].steps.find(
      (s) => s.kind === 'rule' && s.matched === true && s.action === 'redirect',
    );
    assert.ok(redirect);
    assert.equal(redirect.hook, 'OUTPUT');
    assert.equal(redirect.table, 'nat');
    assert.equal(redirect.chain, 'ISTIO_OUTPUT');
    assert.equal(redirect.line, 23);
    const skipped = result.packets[0].steps.find((s) => s.kind === 'rule' && s.line === 20);
    assert.equal(skipped?.matched, false);
    assert.equal(result.packets[0].final.fate, 'accept');
    assert.equal(result.packets[0].final.delivered, 'local');
    assert.equal(result.packets[0].final.dst, '127.0.0.1');
    assert.equal(result.packets[0].final.dport, 15001);
  });

  it('Should print the text form in the vocabulary of xtables-monitor --trace', async () => {
    const { code, out } = await cli(['pod.rules', '--scenario', 'inbound-plaintext']);
    assert.equal(code, 0);
    assert.match(out, /TRACE: PREROUTING nat:ISTIO_PRERT:rule:L25:REDIRECT/);
    assert.match(out, /TRACE: PREROUTING mangle:PREROUTING:policy:ACCEPT/);
    assert.match(out, /^PACKET: 0 IN=eth0 /m);
  });

  it('Should exit 2 and name the bad part of a packet spec', async () => {
    const { code, err } = await cli(['pod.rules', '--packet', 'tcp 10.244.0.5:43210 -> 10.96.0.10:99999']);
    assert.equal(code, 2);
    assert.match(err, /bad destination port '99999'/);
  });

  it('Should list the scenarios that fit an ambient pod and refuse an unknown one', async () => {
    const listed = await cli(['pod.rules', '--list-scenarios']);
    assert.match(listed.out, /^app-outbound-tcp /m);
    assert.match(listed.out, /^kubelet-probe /m);
    const unknown = await cli(['pod.rules', '--scenario', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown scenario 'nope'/);
  });

  it('Should drop the policy-route assumption with --no-policy-route', async () => {
    const { out } = await cli([
      'pod.rules',
      '--scenario',
      'app-reply-to-ztunnel',
      '--format',
      'json',
      '--no-policy-route',
    ]);
    const result = JSON.parse(out) as TraceJsonResult;
    // Without `fwmark 0x111/0xfff lookup 100` the app's SYN-ACK to the client's address leaves the pod.
    assert.equal(result.packets[1].final.delivered, 'out');
    assert.deepEqual(
      result.environment.filter((e) => e.includes('policy route')),
      [],
    );
  });

  it('Should answer the LSP request with the same JSON, or an error', () => {
    const doc = parseDocument(ambient);
    const ok = answerTraceRequest(doc, { scenario: 'kubelet-probe' });
    assert.equal(ok.error, undefined);
    assert.equal(ok.result?.packets[0].final.socketPort, 8080);
    assert.match(answerTraceRequest(doc, {}).error ?? '', /exactly one/);
    assert.ok(listTraceScenarios(doc).some((s) => s.name === 'ztunnel-to-app'));
  });

  it('Should trace a node dump above the editor size limit exactly as over the whole parse', async function () {
    this.timeout(120_000);
    // Above the limit the CLI keeps rule lines as handles and reads only those the packet reaches.
    const generator = path.join(__dirname, '..', '..', '..', 'bench', 'gen-kube.mjs');
    const dump = execFileSync(process.execPath, [generator, '4000', '3'], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    assert.ok(dump.length > defaultSettings.diagnostics.maxFileSizeForAnalysis);
    const lines = dump.split('\n');
    const service = /^-A KUBE-SERVICES -d ([0-9.]+)\/32 -p tcp .* --dport ([0-9]+) /.exec(
      lines.filter((l) => l.startsWith('-A KUBE-SERVICES -d ')).at(-1)!,
    )!;
    const whole = parseDocument(dump);
    const packets = [
      `tcp 10.244.0.5:43210 -> ${service[1]}:${service[2]} out`,
      `tcp 10.1.2.3:40000 -> ${service[1]}:${service[2]} in`,
      'udp 10.1.2.3:5000 -> 10.244.7.9:53 in',
    ];
    for (const packet of packets) {
      const expected = tracePacket(whole, packet, {});
      assert.ok(expected.ok);
      for (const format of ['json', 'text'] as const) {
        let out = '';
        const code = await runTrace(['dump.rules', '--packet', packet, '--format', format, '--verbose'], {
          stdout: (t) => (out += t),
          stderr: (t) => assert.fail(t),
          readFile: async () => dump,
        });
        assert.equal(code, 0);
        assert.equal(
          out,
          format === 'json'
            ? `${JSON.stringify(formatTraceJson(expected.result), null, 2)}\n`
            : formatTraceText(expected.result, lines, true),
          `${format} trace of ${packet}`,
        );
      }
    }
  });
});
