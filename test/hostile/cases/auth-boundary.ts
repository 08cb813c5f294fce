// Requests without credentials, or with wrong ones, on each API.
import { describe, expect, it } from 'vitest';
import {
  countRows,
  expectHttpError,
  firstCode,
  gql,
  http,
  rawRequest,
  signIn,
  wsGql,
  type HostileTarget,
} from '../target';

export function authBoundaryCases(target: () => HostileTarget): void {
  describe('credentials', () => {
    it('the engine refuses a predict without an API key, as JSON naming nothing internal', async () => {
      const reply = await http(`${target().engineUrl}/api/v1/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ symbol: 'SPY' }),
      });
      expectHttpError(reply, 401, 'UNAUTHENTICATED');
    });

    it('the engine refuses a wrong API key', async () => {
      const reply = await http(`${target().engineUrl}/api/v1/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'tp_key_not_a_real_one_000000000000' },
        body: JSON.stringify({ symbol: 'SPY' }),
      });
      expectHttpError(reply, 401, 'UNAUTHENTICATED');
    });

    it('an anonymous user cannot list ingestion runs', async () => {
      const query = 'query Runs { ingestionRuns(first: 5) { id } }';
      const overHttp = await gql(target(), query);
      expect(firstCode(overHttp)).toMatch(
        /^(UNAUTHENTICATED|OPERATION_NOT_TRUSTED|GRAPHQL_VALIDATION_FAILED)$/,
      );
    });

    it('a viewer cannot create an API key, and none is stored', async () => {
      const cookie = await signIn(target(), target().viewer);
      const reply = await gql(
        target(),
        'mutation CreateKey($name: String!) { createApiKey(name: $name) { secret } }',
        { name: 'viewer-made' },
        cookie,
      );
      expect(firstCode(reply)).toMatch(/^(FORBIDDEN|OPERATION_NOT_TRUSTED)$/);
      expect(await countRows(target(), "SELECT count(*) FROM api_keys WHERE name = 'viewer-made'")).toBe(0);
    });

    it('an unknown engine route is a JSON 404', async () => {
      const reply = await rawRequest(target().engineUrl, 'GET', '/api/v1/nothing-here');
      expectHttpError(reply, 404, 'NOT_FOUND');
    });

    it('over WebSocket, an anonymous connection is nobody', async () => {
      const reply = await wsGql(target(), 'query Me { me { email role } }');
      expect(firstCode(reply)).toBeUndefined();
      expect(reply.data).toEqual({ me: null });
    });
  });
}
