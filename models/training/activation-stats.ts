/**
 * The activation statistics qdq.py's `quantize` reads (its STATS file's `stats`): per exposed activation, min and max
 * over a calibration set, then a HIST_BINS-bin histogram over [min, max] for the percentile ranges. Used by the plate
 * detector's int8 experiment (bench/plate-detector-int8/calibrate.ts) and the fire verifier's (fire/verifier-onnx.ts).
 */
export const HIST_BINS = 2048;

export interface ActivationStat {
  min: number;
  max: number;
  hist: number[];
}

/**
 * `pass` runs the calibration set once, handing every activation tensor it computes to `visit`; it is called twice
 * (the histogram needs the range first), so it must give the same tensors both times.
 */
export async function activationStats(
  names: readonly string[],
  pass: (visit: (name: string, data: Float32Array) => void) => Promise<void>,
): Promise<Record<string, ActivationStat>> {
  const min = new Map<string, number>(names.map((n) => [n, Infinity]));
  const max = new Map<string, number>(names.map((n) => [n, -Infinity]));
  await pass((n, d) => {
    let lo = min.get(n)!;
    let hi = max.get(n)!;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min.set(n, lo);
    max.set(n, hi);
  });
  const hist = new Map<string, Float64Array>(names.map((n) => [n, new Float64Array(HIST_BINS)]));
  await pass((n, d) => {
    const lo = min.get(n)!;
    const k = HIST_BINS / Math.max(1e-12, max.get(n)! - lo);
    const h = hist.get(n)!;
    for (let i = 0; i < d.length; i++) h[Math.min(HIST_BINS - 1, Math.floor((d[i]! - lo) * k))]!++;
  });
  return Object.fromEntries(names.map((n) => [n, { min: min.get(n)!, max: max.get(n)!, hist: Array.from(hist.get(n)!) }]));
}
