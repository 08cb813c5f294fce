/** One colour per overlaid run (at most ten are compared), distinct on the dark panel. */
const PALETTE = [
  '#4c8dff',
  '#3ddc84',
  '#e5a50a',
  '#f0524f',
  '#b57bff',
  '#2bd1d1',
  '#ff8fb1',
  '#c0c46a',
  '#ff9f43',
  '#9aa7ba',
] as const;

export function runColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}
