// The gateway's error replies, of the HTTP layer and of GraphQL, say nothing about the
// implementation: JSON only, no stack trace, no file path, no internal message.
import { describe, expect, it } from 'vitest';
import {
  consoleOperation,
  expectHttpError,
  expectNoLeak,
  firstCode,
  gql,
  http,
  rawRequest,
  signIn,
  type HostileTarget,
} from '../target';

export function gatewayLeakCases(target: () => HostileTarget): void {
  describe('gateway leaks', () => {
    it('malformed JSON on /graphql is a JSON 400, not an HTML page', async () => {
      const reply = await rawRequest(
        target().gatewayUrl,
        'POST',
        '/graphql',
        { 'content-type': 'application/json' },
        '{"query": "{ me { email } }", ',
      );
      expectHttpError(reply, 400, 'BAD_REQUEST');
    });

    it('every gateway answer forbids sniffing, framing and loading anything, errors included', async () => {
      const answers = [
        await http(`${target().gatewayUrl}/healthz`),
        await rawRequest(target().gatewayUrl, 'GET', '/nowhere'),
        await rawRequest(target().gatewayUrl, 'GET', '/api/v1/forensics/%E0%A4%A'),
        await rawRequest(
          target().gatewayUrl,
          'POST',
          '/graphql',
          { 'content-type': 'application/json' },
          '{',
        ),
      ];
      for (const reply of answers) {
        expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
        expect(reply.headers.get('content-security-policy')).toBe(
          "default-src 'none'; frame-ancestors 'none'",
        );
        expect(reply.headers.get('x-frame-options')).toBe('DENY');
      }
    });

    it('an oversized body is a JSON 413', async () => {
      const reply = await rawRequest(
        target().gatewayUrl,
        'POST',
        '/graphql',
        { 'content-type': 'application/json' },
        JSON.stringify({ query: '{ me { email } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }),
      );
      expectHttpError(reply, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('a path that does not percent-decode is a JSON 400', async () => {
      const reply = await rawRequest(target().gatewayUrl, 'GET', '/api/v1/forensics/%E0%A4%A');
      expectHttpError(reply, 400, 'BAD_REQUEST');
    });

    it('an unknown route, and an unserved method, are JSON 404s', async () => {
      expectHttpError(await rawRequest(target().gatewayUrl, 'GET', '/nothing/here'), 404, 'NOT_FOUND');
      expectHttpError(await rawRequest(target().gatewayUrl, 'DELETE', '/healthz'), 404, 'NOT_FOUND');
    });

    it('a browser’s GET /graphql in production is JSON, not a landing page', async () => {
      const reply = await http(`${target().gatewayUrl}/graphql`, { headers: { accept: 'text/html' } });
      if (target().mode === 'production') {
        expectNoLeak(reply.text);
        expect(reply.headers.get('content-type') ?? '').toMatch(/json/);
      } else expect(reply.status).toBe(200);
    });

    it('a cross-site (text/plain) GraphQL POST is refused by CSRF prevention without a stack', async () => {
      const reply = await http(`${target().gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ query: consoleOperation('features/auth/operations.ts ME') }),
      });
      expect(reply.status).toBe(400);
      expect(
        firstCode({ status: reply.status, text: reply.text, data: undefined, errors: reply.json?.errors }),
      ).toBe('BAD_REQUEST');
      expect(reply.text).not.toContain('stacktrace');
    });

    it('validation and variable errors carry no stack trace, in any mode', async () => {
      const cookie = await signIn(target(), target().admin);
      for (const [query, variables] of [
        ['{ nothingHere }', {}],
        ['query Runs($n: Int!) { ingestionRuns(first: $n) { id } }', { n: { deep: true } }],
        ['query Runs($n: Int!) { ingestionRuns(first: $n) { id } }', {}],
      ] as const) {
        const reply = await gql(target(), query, variables, cookie);
        expect(firstCode(reply)).toMatch(/^(GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT)$/);
        expect(reply.text).not.toContain('stacktrace');
      }
    });

    it('the gateway /healthz and the console’s health query name no path or stack', async () => {
      const health = await http(`${target().gatewayUrl}/healthz`);
      expectNoLeak(health.text);
      expect(health.json?.components?.length).toBeGreaterThan(0);
      const reply = await gql(target(), consoleOperation('features/shell/operations.ts HEALTH'));
      expect(firstCode(reply)).toBeUndefined();
      expectNoLeak(JSON.stringify(reply.data));
    });
  });
}
