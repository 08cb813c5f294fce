import { describe, expect, it } from 'vitest';
import { connection } from './connection';

const encode = (p: number) => `c${p}`;
const page = (n: number, hasNextPage: boolean) => ({
  items: Array.from({ length: n }, (_, i) => ({ node: { id: i }, cursor: i })),
  hasNextPage,
});

describe('connection', () => {
  it('encodes every edge and ends on the last edge', () => {
    const c = connection(page(3, true), encode);
    expect(c.edges).toEqual([
      { node: { id: 0 }, cursor: 'c0' },
      { node: { id: 1 }, cursor: 'c1' },
      { node: { id: 2 }, cursor: 'c2' },
    ]);
    expect(c.nodes).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    expect(c.pageInfo).toEqual({ hasNextPage: true, endCursor: 'c2' });
  });

  it('keeps the last page’s end cursor unless the list answers null once nothing follows', () => {
    expect(connection(page(2, false), encode).pageInfo).toEqual({ hasNextPage: false, endCursor: 'c1' });
    expect(connection(page(2, false), encode, { endCursorOnLastPage: false }).pageInfo).toEqual({
      hasNextPage: false,
      endCursor: null,
    });
    expect(connection(page(2, true), encode, { endCursorOnLastPage: false }).pageInfo.endCursor).toBe('c1');
  });

  it('has no end cursor for an empty page', () => {
    expect(connection(page(0, false), encode)).toEqual({
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });
});
