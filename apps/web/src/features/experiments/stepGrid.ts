/**
 * lightweight-charts spaces the points of its horizontal scale evenly by index, whatever their
 * values. Metric series are downsampled (largest-triangle-three-buckets) to irregular steps, and
 * overlaid runs have different ones, so plotted as they are, step 100 could sit where step 900
 * should. Aligning every series to one regular grid of steps, and giving the chart every grid
 * step (as whitespace), keeps the horizontal axis proportional to the step.
 */

export interface StepPoint {
  step: number;
  value: number;
}

export interface StepGrid {
  /** Every grid step from the smallest to the largest step of all series, ascending. */
  axis: number[];
  /** Per input series: its points snapped to the grid (the last value wins in a slot), ascending. */
  aligned: StepPoint[][];
}

export function alignToStepGrid(series: readonly (readonly StepPoint[])[], maxSlots: number): StepGrid {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const p of s) {
      if (!Number.isFinite(p.step) || !Number.isFinite(p.value)) continue;
      if (p.step < min) min = p.step;
      if (p.step > max) max = p.step;
    }
  }
  if (min > max) return { axis: [], aligned: series.map(() => []) };
  const unit = Math.max(1, Math.ceil((max - min) / Math.max(1, maxSlots)));
  const slots = Math.round((max - min) / unit);
  const axis = Array.from({ length: slots + 1 }, (_, i) => min + i * unit);
  const aligned = series.map((s) => {
    const bySlot = new Map<number, number>();
    for (const p of s) {
      if (!Number.isFinite(p.step) || !Number.isFinite(p.value)) continue;
      bySlot.set(Math.round((p.step - min) / unit), p.value);
    }
    return [...bySlot.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([slot, value]) => ({ step: min + slot * unit, value }));
  });
  return { axis, aligned };
}
