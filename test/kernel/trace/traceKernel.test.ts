/**
 * The packet tracer against the real Linux kernel (needs root): every Istio ambient rendering in
 * test/fixtures (IPv4 and IPv6, every variant and history release), the examples/ dumps, a
 * kube-proxy dump and seeded random rule sets are loaded with iptables-restore / ip6tables-restore
 * into a pod namespace; real connections and datagrams are sent; the kernel's per-rule counters,
 * the accepting listener and connect()'s result must equal the simulator's prediction. Where the
 * simulator reports an undecidable match (statistic, ipset), the kernel must agree with one of the
 * outcomes it lists. Any disagreement is a simulator bug: fix the simulator, never this test.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { formatAddress } from '../../../server/src/trace/address';
import { scenariosFor } from '../../../server/src/trace/scenarios';
import { looksLikeAmbientPod } from '../../../server/src/trace/simulator';
import type { Scenario } from '../../../server/src/trace/types';
import { PodPair } from '../lib/pod';
import type { CounterMap } from '../lib/pod';
import {
  appPorts,
  compareConnection,
  listenerMarks,
  loadRules,
  prepare,
  ztunnelListeners,
} from './differential';
import type { KernelConnection, LoadedRules } from './differential';
import { randomCase } from './randomRules';

const root = join(__dirname, '..', '..', '..');
const randomCount = Number(process.env.IPL_TRACE_RANDOM ?? 300);

function listFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

/** The first packet of each built-in scenario, as a kernel connection. */
function connectionsOf(scenarios: readonly Scenario[]): KernelConnection[] {
  const out: KernelConnection[] = [];
  for (const s of scenarios) {
    const first = s.packets[0];
    if (first.kind !== 'packet') continue;
    const spec = first.spec;
    if (spec.protocol !== 'tcp' && spec.protocol !== 'udp') continue;
    // A spoofed (transparent) source stands for a remote client; one nobody owns, so a stray reply is
    // dropped silently (the peer does not forward) instead of drawing an RST the pod's counters would see.
    const unownedClient = spec.family === 4 ? '10.0.0.99' : 'fd00:10::99';
    out.push({
      family: spec.family,
      protocol: spec.protocol,
      origin: spec.origin === 'in' ? 'in' : 'out',
      src: spec.transparent ? unownedClient : formatAddress(spec.family, spec.src),
      dst: formatAddress(spec.family, spec.dst),
      dport: spec.dport,
      mark: spec.mark,
      transparent: spec.transparent ?? false,
      label: s.name,
    });
  }
  return out;
}

/** The family of a single-family dump, from its header or its addresses. */
function familyOf(path: string, text: string): 4 | 6 {
  return /ip6tables/.test(path) || /ip6tables/.test(text.split('\n', 1)[0]) ? 6 : 4;
}

describe('Packet tracer agrees with the Linux kernel', function () {
  this.timeout(1_800_000);
  // Two pod pairs, so the random rule sets run two at a time (each waits on the kernel and on processes).
  const pairs = [new PodPair(0), new PodPair(1)];
  const pair = pairs[0];
  // The legacy renderings go through iptables-legacy, in a pair of their own.
  const legacyPair = new PodPair(2, 'legacy');
  const routeInstalled = new Map<PodPair, boolean>();
  let sport = 20000;
  let agreements = 0;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    const podPorts = [...new Set([...appPorts, ...ztunnelListeners])];
    for (const p of [...pairs, legacyPair]) {
      p.create();
      for (const [name, family] of [
        ['istio-inpod-probes-v4', 'inet'],
        ['istio-inpod-probes-v6', 'inet6'],
        ['istio-inpod-probes', 'inet'],
      ]) {
        execFileSync('ip', ['netns', 'exec', p.pod, 'ipset', 'create', name, 'hash:ip', 'family', family]);
      }
      await p.startAgents(podPorts, [...appPorts, 15008, 3080], listenerMarks);
    }
  });

  after(() => {
    for (const p of [...pairs, legacyPair]) p.destroy();
    if (agreements > 0)
      console.log(`      kernel agreements: ${agreements} connections (scenario × rule set)`);
  });

  function setPolicyRoute(p: PodPair, on: boolean): void {
    if (on === (routeInstalled.get(p) ?? false)) return;
    if (on) p.addIstioPolicyRoute();
    else p.removeIstioPolicyRoute();
    routeInstalled.set(p, on);
  }

  async function check(
    rules: LoadedRules,
    connections: readonly KernelConnection[],
    p: PodPair = pair,
  ): Promise<string[]> {
    setPolicyRoute(p, rules.policyRoute);
    const failures: string[] = [];
    await loadRules(p, rules);
    let counters: CounterMap = new Map();
    for (const conn of connections) {
      const result = await compareConnection(p, rules, conn, sport++, counters);
      counters = result.totals;
      if (result.agreed) agreements++;
      else failures.push(result.report);
    }
    return failures;
  }

  const fixtureFiles = listFiles(
    join(root, 'test', 'fixtures', 'istio', 'ambient', 'rendered'),
    /nft-save\.txt$/,
  );
  for (const path of fixtureFiles) {
    const name = path.slice(root.length + 1);
    it(`Should agree on every built-in scenario of ${name}`, async () => {
      const text = readFileSync(path, 'utf8');
      const family = familyOf(path, text);
      const rules = prepare(text, family, looksLikeAmbientPod(parseDocument(text).ruleset));
      const connections = connectionsOf(scenariosFor(rules.doc.ruleset)).filter((c) => c.family === family);
      assert.ok(connections.length > 0, 'no scenario fits this file');
      const failures = await check(rules, connections);
      assert.deepEqual(failures, []);
    });
  }

  for (const path of listFiles(
    join(root, 'test', 'fixtures', 'istio', 'ambient', 'rendered'),
    /legacy-save\.txt$/,
  )) {
    const name = path.slice(root.length + 1);
    it(`Should agree on every built-in scenario of ${name}, loaded with iptables-legacy`, async () => {
      const text = readFileSync(path, 'utf8');
      const family = familyOf(path, text);
      const rules = prepare(text, family, looksLikeAmbientPod(parseDocument(text).ruleset));
      const connections = connectionsOf(scenariosFor(rules.doc.ruleset)).filter((c) => c.family === family);
      assert.ok(connections.length > 0, 'no scenario fits this file');
      assert.deepEqual(await check(rules, connections, legacyPair), []);
    });
  }

  for (const path of listFiles(join(root, 'examples'), /\.rules$/)) {
    const name = path.slice(root.length + 1);
    it(`Should agree on every built-in scenario of ${name}`, async () => {
      const text = readFileSync(path, 'utf8');
      const family = familyOf(path, text);
      const rules = prepare(text, family, looksLikeAmbientPod(parseDocument(text).ruleset));
      const connections = connectionsOf(scenariosFor(rules.doc.ruleset)).filter((c) => c.family === family);
      const failures = await check(rules, connections);
      assert.deepEqual(failures, []);
    });
  }

  it('Should agree on a kube-proxy dump, the kernel picking one of the endpoints the simulator lists', async () => {
    const text = execFileSync('node', [join(root, 'bench', 'gen-kube.mjs'), '4', '3'], { encoding: 'utf8' });
    const rules = prepare(text, 4, true);
    // ztunnel's own connection (mark 1337) is not captured, so kube-proxy's DNAT decides; the
    // service 10.96.0.3:3080 has endpoints 10.244.0.9–11, which the peer owns.
    const connections: KernelConnection[] = [];
    for (let i = 0; i < 6; i++) {
      connections.push({
        family: 4,
        protocol: 'tcp',
        origin: 'out',
        src: '10.244.0.5',
        dst: '10.96.0.3',
        dport: 3080,
        mark: 1337,
        label: `kube service ${i}`,
      });
    }
    connections.push({
      family: 4,
      protocol: 'tcp',
      origin: 'out',
      src: '10.244.0.5',
      dst: '10.96.0.3',
      dport: 3080,
      label: 'kube service, captured by ztunnel',
    });
    connections.push({
      family: 4,
      protocol: 'tcp',
      origin: 'in',
      src: '10.0.0.9',
      dst: '10.244.0.5',
      dport: 8080,
      label: 'inbound to the pod',
    });
    const failures = await check(rules, connections);
    assert.deepEqual(failures, []);
  });

  it(`Should agree on ${randomCount} random rule sets and their packets`, async () => {
    const failures: string[] = [];
    // IPL_TRACE_SEEDS=15,21 re-runs chosen seeds while debugging.
    const seeds =
      process.env.IPL_TRACE_SEEDS?.split(',').map(Number) ??
      Array.from({ length: randomCount }, (_, i) => i + 1);
    const queue = [...seeds];
    const worker = async (p: PodPair): Promise<void> => {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
        const c = randomCase(seed);
        const rules = prepare(c.text, c.family, c.policyRoute);
        try {
          failures.push(...(await check(rules, c.connections, p)));
        } catch (error) {
          failures.push(`seed ${seed}: ${(error as Error).message}\n${c.text}`);
        }
      }
    };
    await Promise.all(pairs.map(worker));
    assert.deepEqual(failures, []);
  });
});
