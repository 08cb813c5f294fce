/** Shared row geometry, so the dendrogram's leaves line up with the weight bars beside it. */
export const ROW_H = 20;
/** Height of the axis strip above the rows. */
export const AXIS_H = 24;
/** Space below the rows. */
export const FOOT_H = 6;

export function rowsHeight(rows: number): number {
  return AXIS_H + rows * ROW_H + FOOT_H;
}

/** Vertical centre of row `pos` (fractional for merges). */
export function rowY(pos: number): number {
  return AXIS_H + pos * ROW_H + ROW_H / 2;
}
