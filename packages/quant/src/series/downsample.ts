/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013, "Downsampling Time Series for Visual
 * Representation", ch. 4.2): keeps the first and last point, splits the rest into
 * `maxPoints - 2` equal buckets and keeps, per bucket, the point that forms the largest
 * triangle with the point kept before it and the mean of the next bucket. Unlike
 * every-nth-point sampling it keeps spikes, which is what a loss curve's reader looks for.
 *
 * Returns the ascending indices of the kept points, so the caller can pick any column
 * (step, time, value) with them. With `n <= maxPoints` every index is kept.
 */
export function largestTriangleThreeBuckets(
  xs: Float64Array,
  ys: Float64Array,
  maxPoints: number,
): Uint32Array {
  const n = xs.length;
  if (ys.length !== n) throw new RangeError(`xs and ys differ in length: ${n} vs ${ys.length}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 2)
    throw new RangeError(`maxPoints must be an integer >= 2, got ${maxPoints}`);
  if (n <= maxPoints) return Uint32Array.from({ length: n }, (_, i) => i);

  const kept = new Uint32Array(maxPoints);
  kept[maxPoints - 1] = n - 1;
  const buckets = maxPoints - 2;
  // Interior points 1..n-2 spread over the buckets; bucket b covers [start(b), start(b+1)),
  // in integer arithmetic so the last bucket ends exactly before the last point.
  const start = (b: number) => 1 + Math.floor((b * (n - 2)) / buckets);
  let a = 0;
  for (let b = 0; b < buckets; b++) {
    // Mean of the next bucket; the last bucket looks ahead to the last point alone.
    const nextFrom = start(b + 1);
    const nextTo = b + 1 < buckets ? start(b + 2) : n;
    let meanX = 0;
    let meanY = 0;
    for (let j = nextFrom; j < nextTo; j++) {
      meanX += xs[j]!;
      meanY += ys[j]!;
    }
    const count = nextTo - nextFrom;
    meanX /= count;
    meanY /= count;

    const ax = xs[a]!;
    const ay = ys[a]!;
    let best = start(b);
    let bestArea = -1;
    for (let j = start(b); j < nextFrom; j++) {
      // Twice the triangle's area; the factor does not change the argmax.
      const area = Math.abs((ax - meanX) * (ys[j]! - ay) - (ax - xs[j]!) * (meanY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    kept[b + 1] = best;
    a = best;
  }
  return kept;
}
