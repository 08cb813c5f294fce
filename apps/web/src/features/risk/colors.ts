/** Diverging scale for correlations: −1 blue, 0 the panel colour, +1 red. */
const NEG: readonly [number, number, number] = [64, 128, 255];
const MID: readonly [number, number, number] = [30, 36, 46];
const POS: readonly [number, number, number] = [240, 82, 79];

function mix(a: readonly number[], b: readonly number[], t: number): string {
  const c = a.map((v, i) => Math.round(v + ((b[i] ?? v) - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export function correlationColor(v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(MID, NEG, -t) : mix(MID, POS, t);
}

/** Gradient stops (offset 0…1 for −1…1) for a legend. */
export const CORRELATION_STOPS: readonly { offset: number; color: string }[] = [-1, -0.5, 0, 0.5, 1].map(
  (v) => ({
    offset: (v + 1) / 2,
    color: correlationColor(v),
  }),
);
