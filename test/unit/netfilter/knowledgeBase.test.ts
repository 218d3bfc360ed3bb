import * as assert from 'assert';
import * as fs from 'fs';
import { matchModules } from '../../../server/src/netfilter/matches';
import { targetSpecs } from '../../../server/src/netfilter/targets';
import { findTable, isBuiltinChain, tables } from '../../../server/src/netfilter/tables';
import { commands, genericOptions } from '../../../server/src/netfilter/generic';
import {
  findImplicitModule,
  findMatchModule,
  findTarget,
  longNamesOf,
  namesOf,
  resolveInGroups,
  resolveLongName,
} from '../../../server/src/netfilter/lookup';
import { normaliseProtocol } from '../../../server/src/netfilter/protocols';
import { icmpTypes, icmpv6Types } from '../../../server/src/netfilter/icmpTypes';

describe('netfilter knowledge base', () => {
  it('Should list the five tables with builtin chains in hook order (iptables(8) TABLES)', () => {
    assert.deepStrictEqual(
      tables.map((t) => [t.name, t.chains.join(',')]),
      [
        ['raw', 'PREROUTING,OUTPUT'],
        ['mangle', 'PREROUTING,INPUT,FORWARD,OUTPUT,POSTROUTING'],
        ['nat', 'PREROUTING,INPUT,OUTPUT,POSTROUTING'],
        ['filter', 'INPUT,FORWARD,OUTPUT'],
        ['security', 'INPUT,FORWARD,OUTPUT'],
      ],
    );
    assert.ok(isBuiltinChain('nat', 'INPUT') && !isBuiltinChain('filter', 'PREROUTING'));
    assert.strictEqual(findTable('bogus'), undefined);
  });

  it('Should carry the hook priorities of linux/netfilter_ipv4.h (nat INPUT runs after filter INPUT)', () => {
    const p = (t: string, h: 'PREROUTING' | 'INPUT' | 'OUTPUT' | 'POSTROUTING') => findTable(t)!.priority[h];
    assert.deepStrictEqual(
      [
        p('raw', 'PREROUTING'),
        p('mangle', 'PREROUTING'),
        p('nat', 'PREROUTING'),
        p('filter', 'INPUT'),
        p('security', 'INPUT'),
        p('nat', 'INPUT'),
      ],
      [-300, -150, -100, 0, 50, 100],
    );
  });

  it('Should have unique option names per module and target, each with syntax, summary and source', () => {
    for (const owner of [...matchModules, ...targetSpecs]) {
      const names = owner.options.flatMap((o) => [o.name, ...(o.aliases ?? [])]);
      assert.strictEqual(new Set(names).size, names.length, owner.name);
      assert.ok(owner.summary.length > 0 && owner.source.length > 0, owner.name);
      for (const o of owner.options)
        assert.ok(
          o.syntax.includes(`--${o.name}`) || o.aliases?.some((a) => o.syntax.includes(`--${a}`)),
          `${owner.name} --${o.name}: ${o.syntax}`,
        );
    }
    assert.strictEqual(new Set(matchModules.map((m) => m.name)).size, matchModules.length);
    assert.strictEqual(new Set(targetSpecs.map((t) => t.name)).size, targetSpecs.length);
  });

  it('Should know every match and target library Debian 12 installs, where the libraries are present', () => {
    const dir = '/usr/lib/x86_64-linux-gnu/xtables';
    if (!fs.existsSync(dir)) return;
    const libs = fs
      .readdirSync(dir)
      .map((f) => /^lib(?:xt|ipt|ip6t)_(.+)\.so$/.exec(f)?.[1])
      .filter((n): n is string => !!n);
    const matchLibs = libs.filter((n) => /^[a-z0-9]+$/.test(n) && n !== 'standard');
    const targetLibs = libs.filter((n) => /^[A-Z0-9]+$/.test(n) && !['NAT', 'ULOG'].includes(n));
    assert.deepStrictEqual(
      matchLibs.filter((n) => !findMatchModule(n)),
      [],
    );
    assert.deepStrictEqual(
      targetLibs.filter((n) => !findTarget(n)),
      [],
    );
  });

  it('Should find modules by alias and by the protocol that loads them implicitly', () => {
    assert.strictEqual(findMatchModule('icmpv6')!.name, 'icmp6');
    assert.strictEqual(findImplicitModule('ipv6-icmp')!.name, 'icmp6');
    assert.strictEqual(findImplicitModule('tcp')!.name, 'tcp');
    assert.strictEqual(findImplicitModule('all'), undefined);
    assert.strictEqual(findTarget('accept'), undefined, 'target names are case-sensitive');
  });

  it('Should normalise protocols like getprotobyname/getprotobynumber', () => {
    assert.deepStrictEqual(
      ['6', 'TCP', '17', '0', 'all', '58', 'icmpv6', 'bogus', '256'].map(normaliseProtocol),
      ['tcp', 'tcp', 'udp', 'all', 'all', 'ipv6-icmp', 'ipv6-icmp', undefined, undefined],
    );
  });

  it('Should map ICMP names to type/code as iptables -p icmp -h lists them', () => {
    assert.deepStrictEqual(icmpTypes['echo-request'], { type: 8 });
    assert.deepStrictEqual(icmpTypes['fragmentation-needed'], { type: 3, code: 4 });
    assert.deepStrictEqual(icmpv6Types['neighbour-solicitation'], { type: 135 });
    assert.deepStrictEqual(icmpv6Types['echo-reply'], { type: 129 });
  });

  it('Should resolve long options like getopt_long: exact wins, unique prefix, aliases not ambiguous', () => {
    const table = [...genericOptions.flatMap((o) => longNamesOf(o, 'generic'))];
    const found = (w: string) => {
      const r = resolveLongName(w, table);
      return r.kind === 'found' ? r.entry.option.name : r.kind;
    };
    assert.deepStrictEqual(['src', 'sour', 'dst', 'proto', 'jum', 'frag', 'd', 'o'].map(found), [
      'source',
      'source',
      'destination',
      'protocol',
      'jump',
      'fragments',
      // Only -s/-d/--dst share the prefix here, all one option; with the commands (--delete …) it is ambiguous.
      'destination',
      'out-interface',
    ]);
    const tcp = findMatchModule('tcp')!;
    const groups = [
      { names: namesOf(commands.map((c) => ({ ...genericOptions[0]!, name: c.name }))), owner: 'commands' },
      { names: namesOf(genericOptions), owner: 'generic' },
      { names: namesOf(tcp.options), owner: 'tcp' },
    ];
    const g = (w: string) => {
      const r = resolveInGroups(w, groups);
      return r.kind === 'found' ? `${r.entry.owner}.${r.entry.option.name}` : r.kind;
    };
    assert.deepStrictEqual(['sp', 'dport', 'destination-p', 'syn', 'de', 'bogus'].map(g), [
      'tcp.source-port',
      'tcp.destination-port',
      'tcp.destination-port',
      'tcp.syn',
      'ambiguous',
      'unknown',
    ]);
  });
});
