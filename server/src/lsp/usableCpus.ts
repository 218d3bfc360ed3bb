import * as fs from 'fs';
import * as os from 'os';

/** Reads a small system file, or undefined when it is not there (another OS, another cgroup version). */
export type ReadSystemFile = (path: string) => string | undefined;

const readSystemFile: ReadSystemFile = (path) => {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * How many CPUs the server can keep busy at once: the CPUs it may run on, lowered by a cgroup CPU
 * quota. A container (a dev container, a CI job) often sees every CPU of its host but may use one:
 * Node's count alone would then start a worker that only takes turns with the parser.
 */
export function usableCpus(
  cpus: number = os.availableParallelism(),
  read: ReadSystemFile = readSystemFile,
): number {
  const quota = cgroupCpuQuota(read);
  return quota === undefined ? cpus : Math.max(1, Math.min(cpus, Math.floor(quota)));
}

/**
 * The CPU quota of this process's cgroup in CPUs (1.5 = one and a half), or undefined without one.
 * cgroup v2 writes `<quota> <period>` or `max <period>` to cpu.max; v1 writes the quota (-1 for none)
 * and the period to two files. Inside a container the container's own cgroup is mounted at the root.
 */
export function cgroupCpuQuota(read: ReadSystemFile): number | undefined {
  const cpuMax = read('/sys/fs/cgroup/cpu.max');
  if (cpuMax !== undefined) {
    const [quota, period] = cpuMax.trim().split(/\s+/);
    return quotaInCpus(quota, period);
  }
  return quotaInCpus(
    read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')?.trim(),
    read('/sys/fs/cgroup/cpu/cpu.cfs_period_us')?.trim(),
  );
}

function quotaInCpus(quota: string | undefined, period: string | undefined): number | undefined {
  if (quota === undefined || period === undefined || !/^\d+$/.test(quota) || !/^\d+$/.test(period))
    return undefined; // `max`, `-1` (no quota) or a file that is not there
  const cpus = Number(quota) / Number(period);
  return Number.isFinite(cpus) && cpus > 0 ? cpus : undefined;
}
