import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { unstorableString } from './unstorable-strings';

function check(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  return unstorableString(document, getOperationAST(document), variables)?.field ?? null;
}

describe('unstorable strings', () => {
  it('finds a NUL in a literal argument, by argument path however nested', () => {
    expect(check('mutation { createApiKey(name: "a\\u0000b") { secret } }')).toBe('name');
    expect(check('mutation { f(input: { tags: ["ok", "b\\u0000"] }) }')).toBe('input.tags[1]');
    expect(check('{ a { b(filter: { c: { d: "\\u0000" } }) } }')).toBe('filter.c.d');
    expect(check('{ a @include(if: true) { b @skip(note: "\\u0000") } }')).toBe('note');
  });

  it('names a variable where the operation passes it', () => {
    expect(check('mutation ($n: String!) { createApiKey(name: $n) { secret } }', { n: 'x\u0000' })).toBe(
      'name',
    );
    expect(check('mutation ($n: String!) { f(input: { name: $n }) }', { n: '\u0000' })).toBe('input.name');
    expect(check('mutation ($i: In!) { f(input: $i) }', { i: { tags: ['x', 'y\u0000'] } })).toBe(
      'input.tags[1]',
    );
    expect(check('mutation ($j: JSON!) { f(params: $j) }', { j: { 'k\u0000': 1 } })).toBe('params');
    expect(check('query ($n: String = "\\u0000") { f(name: $n) }')).toBe('name');
  });

  it('finds a fragment’s argument too', () => {
    expect(check('{ ...F } fragment F on Query { f(name: "\\u0000") }')).toBe('name');
  });

  it('refuses unpaired surrogates and keeps paired ones', () => {
    expect(check('mutation ($n: String!) { f(name: $n) }', { n: 'a\uD800' })).toBe('name');
    expect(check('mutation ($n: String!) { f(name: $n) }', { n: '\uDC00b' })).toBe('name');
    expect(check('mutation ($n: String!) { f(name: $n) }', { n: 'chart 📈' })).toBeNull();
  });

  it('passes ordinary strings, and variables the operation does not declare', () => {
    expect(
      check('mutation ($n: String!) { f(name: $n, note: "ok") }', { n: 'fine', other: '\u0000' }),
    ).toBeNull();
  });
});
