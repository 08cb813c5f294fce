import { describe, expect, it } from 'vitest';
import { leavesList, linkage, type LinkageMethod, type LinkageRow } from './linkage';

// The textbook five-point example (a..e) of the UPGMA / complete-linkage articles on Wikipedia.
const WIKI = [
  [0, 17, 21, 31, 23],
  [17, 0, 30, 34, 21],
  [21, 30, 0, 28, 39],
  [31, 34, 28, 0, 43],
  [23, 21, 39, 43, 0],
];

// `scipy.cluster.hierarchy.linkage(squareform(WIKI), method)`, SciPy 1.17.
const WIKI_SCIPY: Record<LinkageMethod, LinkageRow[]> = {
  single: [
    [0, 1, 17, 2],
    [2, 5, 21, 3],
    [4, 6, 21, 4],
    [3, 7, 28, 5],
  ],
  complete: [
    [0, 1, 17, 2],
    [4, 5, 23, 3],
    [2, 3, 28, 2],
    [6, 7, 43, 5],
  ],
  average: [
    [0, 1, 17, 2],
    [4, 5, 22, 3],
    [2, 3, 28, 2],
    [6, 7, 33, 5],
  ],
  ward: [
    [0, 1, 17, 2],
    [4, 5, 23.45918441321721, 3],
    [2, 3, 28, 2],
    [6, 7, 43.87558166755932, 5],
  ],
};

// A six-point matrix without ties, so every method has one right answer.
const SIX = [
  [0, 0.62, 0.41, 0.95, 0.73, 0.88],
  [0.62, 0, 0.57, 0.36, 0.81, 0.69],
  [0.41, 0.57, 0, 0.77, 0.52, 0.91],
  [0.95, 0.36, 0.77, 0, 0.64, 0.47],
  [0.73, 0.81, 0.52, 0.64, 0, 0.33],
  [0.88, 0.69, 0.91, 0.47, 0.33, 0],
];
const SIX_FIRST: LinkageRow[] = [
  [4, 5, 0.33, 2],
  [1, 3, 0.36, 2],
  [0, 2, 0.41, 2],
];
// The last two merge heights from SciPy 1.17.
const SIX_TOP: Record<LinkageMethod, [number, number]> = {
  single: [0.47, 0.52],
  complete: [0.81, 0.95],
  average: [0.6525000000000001, 0.74375],
  ward: [0.8729833904490968, 1.0446211434454757],
};

function expectRows(actual: LinkageRow[], expected: LinkageRow[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, k) => {
    const want = expected[k]!;
    expect([row[0], row[1], row[3]]).toEqual([want[0], want[1], want[3]]);
    expect(row[2]).toBeCloseTo(want[2], 12);
  });
}

describe('linkage', () => {
  it('merge heights of the textbook example: single 17/21/21/28, complete 17/23/28/43, average 17/22/28/33', () => {
    const heights = (m: LinkageMethod) => linkage(WIKI, m).map((r) => r[2]);
    expect(heights('single')).toEqual([17, 21, 21, 28]);
    expect(heights('complete')).toEqual([17, 23, 28, 43]);
    expect(heights('average')).toEqual([17, 22, 28, 33]);
    // Ward by hand: d((ab),e) = √((2·23² + 2·21² − 17²)/3); d(abe, cd) = 43.8756 from SciPy.
    expect(heights('ward')[1]).toBeCloseTo(Math.sqrt((2 * 23 ** 2 + 2 * 21 ** 2 - 17 ** 2) / 3), 12);
  });

  it.each(['single', 'complete', 'average', 'ward'] as const)('%s: the full SciPy linkage matrix', (m) => {
    expectRows(linkage(WIKI, m), WIKI_SCIPY[m]);
    const six = linkage(SIX, m);
    expectRows(six, [...SIX_FIRST, [6, 7, SIX_TOP[m][0], 4], [8, 9, SIX_TOP[m][1], 6]]);
    expect(leavesList(six)).toEqual([0, 2, 4, 5, 1, 3]);
  });

  it('leaf order follows to_tree().pre_order(): left (first id) before right', () => {
    expect(leavesList(linkage(WIKI, 'single'))).toEqual([3, 4, 2, 0, 1]);
    expect(leavesList(linkage(WIKI, 'complete'))).toEqual([4, 0, 1, 2, 3]);
  });

  it('reads only the upper triangle and handles 1 and 2 points', () => {
    const lower = SIX.map((row, i) => row.map((v, j) => (j < i ? 999 : v)));
    expect(linkage(lower, 'average')).toEqual(linkage(SIX, 'average'));
    expect(linkage([[0]], 'single')).toEqual([]);
    expect(leavesList([])).toEqual([0]);
    expect(
      linkage(
        [
          [0, 0.5],
          [0.5, 0],
        ],
        'ward',
      ),
    ).toEqual([[0, 1, 0.5, 2]]);
  });

  it('rejects negative or missing distances and unknown methods', () => {
    expect(() =>
      linkage([
        [0, -1],
        [-1, 0],
      ]),
    ).toThrow(/distance \(0, 1\)/);
    expect(() =>
      linkage([
        [0, NaN],
        [NaN, 0],
      ]),
    ).toThrow(RangeError);
    expect(() => linkage([[0, 1]])).toThrow(/row 0/);
    expect(() => linkage(SIX, 'centroid' as LinkageMethod)).toThrow(/unknown linkage method/);
  });
});
