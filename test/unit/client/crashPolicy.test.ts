import * as assert from 'assert';
import { CrashPolicy } from '../../../client/src/crashPolicy';

const minute = 60_000;

describe('Crash policy of the language client', () => {
  it('Should notify on the first crash and stay quiet for the rest of the burst', () => {
    const policy = new CrashPolicy(5, 3 * minute);
    assert.deepStrictEqual(
      [0, 1_000, 2_000, 10_000].map((t) => policy.onCrash(t)),
      ['restart-and-notify', 'restart-quietly', 'restart-quietly', 'restart-quietly'],
    );
  });

  it('Should give up on the sixth crash within three minutes, and only then', () => {
    const policy = new CrashPolicy(5, 3 * minute);
    const decisions = [0, 1, 2, 3, 4, 5].map((i) => policy.onCrash(i * 10_000));
    assert.deepStrictEqual(decisions.slice(0, 5).includes('give-up'), false);
    assert.strictEqual(decisions[5], 'give-up');
    assert.strictEqual(policy.recentCrashes, 6);
  });

  it('Should notify again for a crash after the window has passed', () => {
    const policy = new CrashPolicy(5, 3 * minute);
    assert.strictEqual(policy.onCrash(0), 'restart-and-notify');
    assert.strictEqual(policy.onCrash(3 * minute), 'restart-quietly');
    assert.strictEqual(policy.onCrash(6 * minute + 1), 'restart-and-notify');
  });

  it('Should not give up when crashes are spread wider than the window', () => {
    const policy = new CrashPolicy(5, 3 * minute);
    const decisions = Array.from({ length: 12 }, (_, i) => policy.onCrash(i * minute));
    assert.ok(!decisions.includes('give-up'), decisions.join(' '));
  });

  it('Should start afresh after a restart by hand', () => {
    const policy = new CrashPolicy(1, 3 * minute);
    policy.onCrash(0);
    assert.strictEqual(policy.onCrash(1_000), 'give-up');
    policy.reset();
    assert.strictEqual(policy.onCrash(2_000), 'restart-and-notify');
  });
});
