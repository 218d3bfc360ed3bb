import * as assert from 'assert';
import { createLanguageService } from '../../../server/src/languageService';
import { defaultSettings, parseSettings } from '../../../server/src/settings';

const text = [
  '*filter', //                             line 0
  ':INPUT ACCEPT [0:0]', //                 line 1
  '-A INPUT -j ACCEPT', //                  line 2: ends INPUT for every packet
  '-A INPUT -p tcp -j DROP', //             line 3: unreachable (warning)
  '-A INPUT --dprot 1 -j ACCEPT', //        line 4: unreachable (warning) + unknown option (error)
  '-A INPUT --sprot 2 -j ACCEPT', //        line 5: unreachable (warning) + unknown option (error)
  'COMMIT',
  '',
].join('\n');

describe('The number of diagnostics published per file', function () {
  const service = createLanguageService();
  const doc = service.parse(text);
  const withLimit = (maxNumberOfProblems: number) =>
    service.getDiagnostics(
      doc,
      'file:///limit.rules',
      parseSettings({ diagnostics: { maxNumberOfProblems } }),
    );

  it('Should publish every finding when they fit under the limit', function () {
    const all = service.getDiagnostics(doc, 'file:///limit.rules', defaultSettings);
    // iptables 1.8.9: `unknown option "--dprot"` / `"--sprot"`; three rules after an unconditional ACCEPT.
    assert.deepStrictEqual(
      all.map((d) => `${d.range.start.line} ${String(d.code)}`),
      [
        '3 lint.rule-after-terminal',
        '4 lint.rule-after-terminal',
        '4 syntax.unknown-option',
        '5 lint.rule-after-terminal',
        '5 syntax.unknown-option',
      ],
    );
  });

  it('Should keep the errors first when it must drop some, and say how many it dropped on line 1', function () {
    const limited = withLimit(3);
    assert.deepStrictEqual(
      limited.map((d) => `${d.range.start.line} ${String(d.code)}`),
      [
        '0 analysis.too-many-problems',
        '3 lint.rule-after-terminal',
        '4 syntax.unknown-option',
        '5 syntax.unknown-option',
      ],
    );
    assert.match(String(limited[0]!.message), /^2 more problem\(s\) not shown/);
  });

  it('Should fall back to the default limit for a limit that is not a positive integer', function () {
    for (const bad of [0, -1, 2.5, '10', null]) {
      assert.strictEqual(
        parseSettings({ diagnostics: { maxNumberOfProblems: bad } }).diagnostics.maxNumberOfProblems,
        defaultSettings.diagnostics.maxNumberOfProblems,
      );
    }
  });
});
