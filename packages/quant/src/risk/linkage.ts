/**
 * Agglomerative hierarchical clustering with the conventions of SciPy's
 * `scipy.cluster.hierarchy.linkage` (so the output is a SciPy linkage matrix):
 *
 * - single: Prim's minimum spanning tree (SciPy's `mst_single_linkage`);
 * - complete / average / ward: the nearest-neighbour chain algorithm (SciPy's `nn_chain`),
 *   D. Müllner, "Modern hierarchical, agglomerative clustering algorithms",
 *   arXiv:1109.2378 (2011), fig. 5, with Lance–Williams distance updates
 *   (G. N. Lance & W. T. Williams, Computer Journal 9(4), 1967).
 *
 * The merges are then stably sorted by distance and relabelled with a union–find: leaves are
 * 0..n−1, the cluster formed by row k is n+k, and each row lists the smaller id first.
 * Ward is applied to the given distances as SciPy does (the Lance–Williams update of
 * Euclidean Ward, whether or not the input is Euclidean). Cost: O(n²) memory and time.
 */

export type LinkageMethod = 'single' | 'complete' | 'average' | 'ward';
export const LINKAGE_METHODS: readonly LinkageMethod[] = ['single', 'complete', 'average', 'ward'];

/** One merge: clusters a < b joined at `distance` into a cluster of `size` leaves. */
export type LinkageRow = [a: number, b: number, distance: number, size: number];

/**
 * Links n points from a square distance matrix. Only the upper triangle (i < j) is read,
 * as `scipy.spatial.distance.squareform(m, checks=False)` does.
 */
export function linkage(distances: ArrayLike<number>[], method: LinkageMethod = 'single'): LinkageRow[] {
  const n = distances.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = distances[i]!;
    if (row.length !== n)
      throw new RangeError(`distance matrix row ${i} has ${row.length} entries, not ${n}`);
    for (let j = i + 1; j < n; j++) {
      const v = row[j]!;
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new RangeError(`distance (${i}, ${j}) must be finite and ≥ 0, got ${v}`);
      }
      d[i * n + j] = d[j * n + i] = v;
    }
  }
  if (n < 2) return [];
  let merges: Array<[number, number, number]>;
  if (method === 'single') merges = primSingle(d, n);
  else if (method === 'complete' || method === 'average' || method === 'ward') merges = nnChain(d, n, method);
  else throw new RangeError(`unknown linkage method '${String(method)}' (use ${LINKAGE_METHODS.join(', ')})`);
  // Array.prototype.sort is stable (ES2019), like NumPy's mergesort argsort in SciPy.
  merges.sort((p, q) => p[2] - q[2]);
  return relabel(merges, n);
}

/** SciPy `mst_single_linkage`: grow one tree from point 0, each step adding the nearest outside point. */
function primSingle(d: Float64Array, n: number): Array<[number, number, number]> {
  const merged = new Uint8Array(n);
  const nearest = new Float64Array(n).fill(Infinity);
  const out: Array<[number, number, number]> = [];
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    merged[x] = 1;
    let best = Infinity;
    let y = -1;
    for (let i = 0; i < n; i++) {
      if (merged[i]) continue;
      const dist = d[x * n + i]!;
      if (nearest[i]! > dist) nearest[i] = dist;
      if (nearest[i]! < best) {
        best = nearest[i]!;
        y = i;
      }
    }
    out.push([x, y, best]);
    x = y;
  }
  return out;
}

/** SciPy `nn_chain`: follow nearest neighbours until two clusters are mutual nearest neighbours. */
function nnChain(d: Float64Array, n: number, method: LinkageMethod): Array<[number, number, number]> {
  const size = new Float64Array(n).fill(1); // 0 = merged away; a cluster lives in its larger slot
  const chain: number[] = [];
  const out: Array<[number, number, number]> = [];
  for (let k = 0; k < n - 1; k++) {
    if (chain.length === 0) chain.push(size.findIndex((s) => s > 0));
    let x: number;
    let y: number;
    let best: number;
    for (;;) {
      x = chain[chain.length - 1]!;
      if (chain.length > 1) {
        y = chain[chain.length - 2]!;
        best = d[x * n + y]!;
      } else {
        y = -1;
        best = Infinity;
      }
      for (let i = 0; i < n; i++) {
        if (size[i] === 0 || i === x) continue;
        if (d[x * n + i]! < best) {
          best = d[x * n + i]!;
          y = i;
        }
      }
      if (chain.length > 1 && y === chain[chain.length - 2]) break;
      chain.push(y);
    }
    chain.length -= 2;
    if (x > y) [x, y] = [y, x];
    const nx = size[x]!;
    const ny = size[y]!;
    out.push([x, y, best]);
    size[x] = 0;
    size[y] = nx + ny;
    for (let i = 0; i < n; i++) {
      const ni = size[i]!;
      if (ni === 0 || i === y) continue;
      d[i * n + y] = d[y * n + i] = lanceWilliams(method, d[i * n + x]!, d[i * n + y]!, best, nx, ny, ni);
    }
  }
  return out;
}

/** Distance from cluster i to the union of x and y, which were `dxy` apart (SciPy `_hierarchy_distance_update`). */
function lanceWilliams(
  method: LinkageMethod,
  dxi: number,
  dyi: number,
  dxy: number,
  nx: number,
  ny: number,
  ni: number,
): number {
  switch (method) {
    case 'complete':
      return Math.max(dxi, dyi);
    case 'average':
      return (nx * dxi + ny * dyi) / (nx + ny);
    case 'ward': {
      const t = 1 / (nx + ny + ni);
      const squared = (ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy;
      // ≥ 0 for Euclidean input; clamped where non-Euclidean input would give SciPy a NaN.
      return Math.sqrt(Math.max(0, squared));
    }
    default:
      return Math.min(dxi, dyi);
  }
}

/** SciPy `label`: turn (slot, slot, distance) merges into (cluster id, cluster id, distance, size) rows. */
function relabel(merges: Array<[number, number, number]>, n: number): LinkageRow[] {
  const parent = Int32Array.from({ length: 2 * n - 1 }, (_, i) => i);
  const size = new Float64Array(2 * n - 1).fill(1);
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[x] !== root) {
      const next = parent[x]!;
      parent[x] = root;
      x = next;
    }
    return root;
  };
  return merges.map(([x, y, dist], k) => {
    const a = find(x);
    const b = find(y);
    const id = n + k;
    parent[a] = parent[b] = id;
    size[id] = size[a]! + size[b]!;
    return [Math.min(a, b), Math.max(a, b), dist, size[id]!];
  });
}

/**
 * Leaf order of the dendrogram: pre-order traversal, left child (the row's first id) before
 * the right, as `scipy.cluster.hierarchy.to_tree(Z).pre_order()` and `leaves_list(Z)`.
 */
export function leavesList(z: readonly LinkageRow[]): number[] {
  const n = z.length + 1;
  const order: number[] = [];
  const stack = [2 * n - 2];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node < n) {
      order.push(node);
      continue;
    }
    const row = z[node - n];
    if (!row) throw new RangeError(`linkage matrix has no row for cluster ${node}`);
    stack.push(row[1], row[0]); // right pushed first so the left is visited first
  }
  return order;
}
