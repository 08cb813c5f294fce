// What the engine tells an anonymous or careless caller: /healthz shows component states and
// short details without stacks, paths or internal messages; every error is the JSON envelope.
import { describe, expect, it } from 'vitest';
import { expectHttpError, expectNoLeak, http, rawRequest, type HostileTarget } from '../target';

export function engineLeakCases(target: () => HostileTarget): void {
  describe('engine leaks', () => {
    it('the anonymous /healthz shows component states, no stack, path or long message', async () => {
      const reply = await http(`${target().engineUrl}/healthz`);
      expectNoLeak(reply.text);
      expect(reply.text).not.toMatch(/(?:\/[\w.@-]+){2,}/); // no absolute path of any kind
      expect(reply.json.components.length).toBeGreaterThan(0);
      for (const c of reply.json.components) {
        expect(['up', 'down']).toContain(c.state);
        expect(String(c.detail ?? '')).not.toContain('\n');
      }
    });

    it('a request target that is not a URL is a JSON 400, and the engine keeps serving', async () => {
      const reply = await rawRequest(target().engineUrl, 'GET', 'http://[');
      expectHttpError(reply, 400, 'INVALID_PARAMETER', 'path');
      expect((await http(`${target().engineUrl}/healthz`)).json.components).toBeDefined();
    });

    it.each([
      ['/api/v1/features/SPY/1d?asOf=%E0%A4%A', 'asOf'],
      [`/api/v1/features/${'A'.repeat(300)}/1d`, 'symbol'],
    ])('odd requests get the JSON envelope: %s', async (path, field) => {
      const reply = await rawRequest(target().engineUrl, 'GET', path, { 'x-api-key': target().apiKey });
      expectHttpError(reply, 400, 'INVALID_PARAMETER', field);
    });
  });
}
