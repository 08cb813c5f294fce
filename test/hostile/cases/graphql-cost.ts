// Cost control: aliases, tokens, directives and depth are refused before any resolver runs.
import { describe, expect, it } from 'vitest';
import { firstCode, gql, http, signIn, wsGql, type HostileTarget } from '../target';

/** The engine's count of /healthz requests it answered (every gateway health probe asks it once). */
async function engineHealthzRequests(target: HostileTarget): Promise<number> {
  const metrics = (await http(`${target.engineUrl}/metrics`)).text;
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith('tp_engine_http_request_duration_seconds_count{') && line.includes('route="healthz"'))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const aliased = (n: number, field: string) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

export function graphqlCostCases(target: () => HostileTarget): void {
  describe('GraphQL cost control', () => {
    it('100 aliases of health are refused without running one probe, on both transports', async () => {
      const cookie = await signIn(target(), target().admin);
      const before = await engineHealthzRequests(target());
      const query = aliased(100, 'health { ok components { name state } }');
      expect(firstCode(await gql(target(), query, {}, cookie))).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(firstCode(await wsGql(target(), query, {}, cookie))).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await engineHealthzRequests(target())).toBe(before);
    });

    it('1,000 aliases of one field are refused (past the token limit already) before anything runs', async () => {
      const cookie = await signIn(target(), target().admin);
      const reply = await gql(target(), aliased(1000, 'me { email }'), {}, cookie);
      expect(firstCode(reply)).toMatch(/^GRAPHQL_(PARSE|VALIDATION)_FAILED$/);
      expect(reply.data).toBeUndefined();
    });

    it('aliases past the alias limit (within the token limit) are refused, naming the limit', async () => {
      const cookie = await signIn(target(), target().admin);
      const reply = await gql(target(), aliased(60, 'me { email }'), {}, cookie);
      expect(firstCode(reply)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(reply.errors?.[0]?.message).toMatch(/aliases limit of 50/i);
      expect(reply.data).toBeUndefined();
    });

    it('a document past the token limit is refused while parsing', async () => {
      const cookie = await signIn(target(), target().admin);
      const fields = Array.from({ length: 6000 }, () => '__typename').join(' ');
      const query = `{ ${fields} }`;
      expect(firstCode(await gql(target(), query, {}, cookie))).toBe('GRAPHQL_PARSE_FAILED');
      expect(firstCode(await wsGql(target(), query, {}, cookie))).toBe('GRAPHQL_PARSE_FAILED');
    });

    it('too many directives are refused', async () => {
      const cookie = await signIn(target(), target().admin);
      const query = `{ ${Array.from({ length: 20 }, (_, i) => `m${i}: __typename @include(if: true)`).join(' ')} }`;
      expect(firstCode(await gql(target(), query, {}, cookie))).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(firstCode(await wsGql(target(), query, {}, cookie))).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('a document nested past the depth limit is refused on both transports', async () => {
      const cookie = await signIn(target(), target().admin);
      let selection = 'name';
      for (let i = 0; i < 12; i++) selection = `ofType { ${selection} }`;
      const query = `{ __schema { types { fields { type { ${selection} } } } } }`;
      expect(firstCode(await gql(target(), query, {}, cookie))).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(firstCode(await wsGql(target(), query, {}, cookie))).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });
}
