import type { DendrogramMerge } from './operations';

/** A node of the tree: `pos` is its row (leaves 0…n−1 in display order, merges between), `height` its distance. */
export interface TreeNode {
  pos: number;
  height: number;
}

/** One merge drawn as a bracket from `left` and `right` up to `at`. */
export interface DendrogramLink {
  id: number;
  left: TreeNode;
  right: TreeNode;
  at: TreeNode;
  size: number;
}

export interface DendrogramLayout {
  links: DendrogramLink[];
  maxHeight: number;
}

/**
 * Lays out a SciPy-style linkage matrix: ids < n are the leaves in `symbols` order, merge k creates
 * id n + k. Leaves sit at their index in `order`; a merge sits halfway between its children (as
 * SciPy's dendrogram draws it), at its distance. Merges that refer to unknown ids are skipped.
 */
export function layoutDendrogram(
  symbols: readonly string[],
  order: readonly string[],
  merges: readonly DendrogramMerge[],
): DendrogramLayout {
  const n = symbols.length;
  const rowOf = new Map(order.map((s, i) => [s, i]));
  const nodes = new Map<number, TreeNode>();
  symbols.forEach((s, i) => {
    const pos = rowOf.get(s);
    if (pos !== undefined) nodes.set(i, { pos, height: 0 });
  });
  const links: DendrogramLink[] = [];
  let maxHeight = 0;
  merges.forEach((m, k) => {
    const left = nodes.get(m.left);
    const right = nodes.get(m.right);
    if (!left || !right || !Number.isFinite(m.distance)) return;
    const at = { pos: (left.pos + right.pos) / 2, height: m.distance };
    nodes.set(n + k, at);
    links.push({ id: n + k, left, right, at, size: m.size });
    maxHeight = Math.max(maxHeight, m.distance);
  });
  return { links, maxHeight };
}

/** "Nice" tick values 0…max: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}
