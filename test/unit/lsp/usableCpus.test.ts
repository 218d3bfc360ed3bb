import * as assert from 'assert';
import * as os from 'os';
import { cgroupCpuQuota, usableCpus } from '../../../server/src/lsp/usableCpus';

/** The cgroup files as a container would show them (the kernel's formats: cgroup v2 cpu.max, v1 cfs). */
function files(entries: Record<string, string>): (path: string) => string | undefined {
  return (path) => entries[path];
}

describe('usableCpus (lsp/usableCpus.ts)', () => {
  it('Should read a cgroup v2 quota from cpu.max, and none from `max`', () => {
    assert.strictEqual(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' })), 1.5);
    assert.strictEqual(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' })), undefined);
  });

  it('Should read a cgroup v1 quota from the cfs files, and none from -1', () => {
    const v1 = (quota: string) =>
      files({
        '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': `${quota}\n`,
        '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
      });
    assert.strictEqual(cgroupCpuQuota(v1('200000')), 2);
    assert.strictEqual(cgroupCpuQuota(v1('-1')), undefined);
  });

  it('Should take no quota when no cgroup file is there (another OS)', () => {
    assert.strictEqual(cgroupCpuQuota(files({})), undefined);
    assert.strictEqual(usableCpus(8, files({})), 8);
  });

  it('Should lower the CPU count to a whole quota, and never below one', () => {
    const quota = (cpuMax: string) => files({ '/sys/fs/cgroup/cpu.max': cpuMax });
    assert.strictEqual(usableCpus(16, quota('100000 100000')), 1);
    assert.strictEqual(usableCpus(16, quota('250000 100000')), 2);
    assert.strictEqual(usableCpus(2, quota('800000 100000')), 2);
    assert.strictEqual(usableCpus(16, quota('50000 100000')), 1);
  });

  it('Should count this machine within the CPUs Node sees', () => {
    const count = usableCpus();
    assert.ok(Number.isInteger(count) && count >= 1 && count <= os.availableParallelism(), `${count}`);
  });
});
