/** Small statistics for benchmark samples: medians, percentiles and a growth exponent. */

/** The value at percentile `p` (0–100) by the nearest-rank method; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median (50th percentile, nearest rank). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/**
 * The exponent k of `time ≈ c · size^k`, by least squares on log(size), log(time). k ≈ 1 is
 * linear growth; noticeably above 1 means the cost per line rises with the file.
 */
export function fitExponent(points: readonly { size: number; time: number }[]): number {
  const usable = points.filter((p) => p.size > 0 && p.time > 0);
  if (usable.length < 2) return NaN;
  const xs = usable.map((p) => Math.log(p.size));
  const ys = usable.map((p) => Math.log(p.time));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

/**
 * "linear" up to k = 1.15: a 30× larger file costing up to ~1.7× more per line is within what
 * garbage collection of a larger heap explains; above that the growth is called superlinear.
 */
export function growthVerdict(exponent: number): 'linear' | 'superlinear' | 'n/a' {
  if (!Number.isFinite(exponent)) return 'n/a';
  return exponent <= 1.15 ? 'linear' : 'superlinear';
}
