/** Completion in context, with inline documents; `|` in a line marks the cursor. */
import * as assert from 'node:assert/strict';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver-types';
import { parseDocument } from '../../../server/src/parser/parseDocument';
import { getCompletions, maxChainItems } from '../../../server/src/features/completion';

function complete(lines: readonly string[]): CompletionItem[] {
  const line = lines.findIndex((l) => l.includes('|'));
  const character = lines[line]!.indexOf('|');
  const text = lines.map((l) => l.replace('|', '')).join('\n');
  return getCompletions(parseDocument(text), { line, character }).items;
}

const labels = (items: readonly CompletionItem[]): string[] => items.map((i) => i.label);

const mangleHead = ['*mangle', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':ISTIO_PRERT - [0:0]'];

describe('Completion', function () {
  describe('in a table with more user chains than one list holds', function () {
    const count = maxChainItems + 100;
    const declarations = Array.from(
      { length: count },
      (_, i) => `:KUBE-SVC-${String(i).padStart(4, '0')} - [0:0]`,
    );
    const completeList = (line: string) => {
      const lines = ['*nat', ':PREROUTING ACCEPT [0:0]', ...declarations, line, 'COMMIT'];
      const text = lines.map((l) => l.replace('|', '')).join('\n');
      return getCompletions(parseDocument(text), { line: lines.length - 2, character: line.indexOf('|') });
    };

    it('Should offer only the chains containing the typed word, and say the list is incomplete', function () {
      const list = completeList('-A PREROUTING -j svc-006|');
      const chains = list.items.filter((i) => i.label.startsWith('KUBE-SVC-'));
      // KUBE-SVC-0060 … KUBE-SVC-0069, matched without regard to case.
      assert.deepEqual(
        chains.map((c) => c.label),
        Array.from({ length: 10 }, (_, i) => `KUBE-SVC-006${i}`),
      );
      assert.equal(list.isIncomplete, true);
    });

    it('Should cap the chains at the limit when nothing is typed yet', function () {
      const list = completeList('-A PREROUTING -j |');
      assert.equal(list.items.filter((i) => i.label.startsWith('KUBE-SVC-')).length, maxChainItems);
      assert.equal(list.isIncomplete, true);
    });
  });

  it('Should offer every user chain in a complete list when they fit', function () {
    const list = getCompletions(
      parseDocument(['*nat', ':A - [0:0]', ':B - [0:0]', '-A A -j ', 'COMMIT'].join('\n')),
      {
        line: 3,
        character: 8,
      },
    );
    assert.deepEqual(
      list.items.filter((i) => i.label === 'A' || i.label === 'B').map((i) => i.label),
      ['B'],
      'every user chain but the one being appended to',
    );
    assert.equal(list.isIncomplete, false);
  });

  it('Should offer the five tables and the Istio rule-set snippets outside a table', function () {
    const items = complete(['|']);
    for (const table of ['*raw', '*mangle', '*nat', '*filter', '*security'])
      assert.ok(labels(items).includes(table), table);
    const snippets = items.filter((i) => i.label.startsWith('Istio ambient in-pod rules'));
    assert.equal(snippets.length, 3);
    assert.ok(
      snippets.every(
        (s) => typeof s.insertText === 'string' && s.insertText.includes('REDIRECT --to-ports 15001'),
      ),
    );
  });

  it('Should offer commands and COMMIT at the start of a line inside a table', function () {
    const items = labels(complete([...mangleHead, '|', 'COMMIT']));
    for (const c of ['-A', '-I', '-N', '-P', 'COMMIT']) assert.ok(items.includes(c), c);
  });

  it('Should offer builtin and declared chains after -A', function () {
    const items = labels(complete([...mangleHead, '-A |', 'COMMIT']));
    assert.ok(items.includes('PREROUTING'));
    assert.ok(items.includes('POSTROUTING'));
    assert.ok(items.includes('ISTIO_PRERT'));
  });

  it('Should offer TPROXY in mangle PREROUTING but not in nat OUTPUT, and REDIRECT only in nat', function () {
    const mangle = labels(complete([...mangleHead, '-A PREROUTING -p tcp -j |', 'COMMIT']));
    assert.ok(mangle.includes('TPROXY'));
    assert.ok(!mangle.includes('REDIRECT'));
    assert.ok(mangle.includes('ISTIO_PRERT'));
    const nat = labels(complete(['*nat', ':OUTPUT ACCEPT [0:0]', '-A OUTPUT -p tcp -j |', 'COMMIT']));
    assert.ok(nat.includes('REDIRECT'));
    assert.ok(!nat.includes('TPROXY'));
  });

  it('Should offer tcp options after -p tcp, documented from the knowledge base', function () {
    const items = complete([...mangleHead, '-A PREROUTING -p tcp --d|', 'COMMIT']);
    const dport = items.find((i) => i.label === '--destination-port' || i.label === '--dport');
    assert.ok(dport, labels(items).join(' '));
    assert.match((dport.documentation as MarkupContent).value, /port/i);
  });

  it('Should offer match modules after -m and conntrack states after --ctstate', function () {
    assert.ok(labels(complete([...mangleHead, '-A PREROUTING -m |', 'COMMIT'])).includes('conntrack'));
    const states = labels(
      complete([...mangleHead, '-A PREROUTING -m conntrack --ctstate RELATED,|', 'COMMIT']),
    );
    assert.ok(states.includes('ESTABLISHED'));
  });

  it('Should offer policies after -P CHAIN and protocols after -p', function () {
    assert.deepEqual(labels(complete([...mangleHead, '-P OUTPUT |', 'COMMIT'])), ['ACCEPT', 'DROP']);
    assert.ok(labels(complete([...mangleHead, '-A PREROUTING -p |', 'COMMIT'])).includes('udp'));
  });

  it("Should offer Istio's marks and ports while an Istio chain is edited", function () {
    const marks = labels(complete([...mangleHead, '-A ISTIO_PRERT -m mark --mark |', 'COMMIT']));
    assert.ok(marks.includes('0x539/0xfff'));
    assert.ok(marks.includes('0x111/0xfff'));
    const ports = labels(complete([...mangleHead, '-A ISTIO_PRERT -p tcp --dport |', 'COMMIT']));
    assert.ok(ports.includes('15008'));
    const plain = labels(complete([...mangleHead, '-A PREROUTING -m mark --mark |', 'COMMIT']));
    assert.ok(!plain.includes('0x539/0xfff'));
  });

  it('Should offer reject types after --reject-with', function () {
    const items = labels(
      complete(['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -j REJECT --reject-with |', 'COMMIT']),
    );
    assert.ok(items.includes('icmp-port-unreachable'), items.join(' '));
  });
});
