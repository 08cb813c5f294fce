import { describe, expect, it } from 'vitest';
import { alignToStepGrid } from './stepGrid';

describe('alignToStepGrid', () => {
  it('gives every integer step when the range fits the slots, and keeps each series as it is', () => {
    const a = [
      { step: 0, value: 1 },
      { step: 3, value: 2 },
    ];
    const b = [{ step: 5, value: 7 }];
    const grid = alignToStepGrid([a, b], 100);
    expect(grid.axis).toEqual([0, 1, 2, 3, 4, 5]);
    expect(grid.aligned).toEqual([a, b]);
  });

  it('snaps irregular steps to a coarser grid when the range is wider than the slots, last value winning', () => {
    const grid = alignToStepGrid(
      [
        [
          { step: 0, value: 1 },
          { step: 9, value: 2 },
          { step: 11, value: 3 },
          { step: 100, value: 4 },
        ],
      ],
      10,
    );
    expect(grid.axis).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(grid.aligned[0]).toEqual([
      { step: 0, value: 1 },
      { step: 10, value: 3 },
      { step: 100, value: 4 },
    ]);
  });

  it('sorts unordered input and skips non-finite points', () => {
    const grid = alignToStepGrid(
      [
        [
          { step: 2, value: 1 },
          { step: 1, value: Number.NaN },
          { step: 0, value: 5 },
        ],
      ],
      10,
    );
    expect(grid.aligned[0]).toEqual([
      { step: 0, value: 5 },
      { step: 2, value: 1 },
    ]);
  });

  it('returns an empty axis for no points', () => {
    expect(alignToStepGrid([[], []], 10)).toEqual({ axis: [], aligned: [[], []] });
  });
});
