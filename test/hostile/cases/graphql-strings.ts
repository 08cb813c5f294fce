// Strings PostgreSQL text cannot hold (NUL, unpaired surrogates) in any argument, literal or
// variable, however nested: BAD_USER_INPUT naming the argument, before any resolver, on both
// transports, and nothing stored.
import { describe, expect, it } from 'vitest';
import {
  consoleOperation,
  countRows,
  firstCode,
  gql,
  signIn,
  wsGql,
  type GqlReply,
  type HostileTarget,
} from '../target';

function expectBadInput(reply: GqlReply, field: string): void {
  expect({ code: firstCode(reply), field: reply.errors?.[0]?.extensions?.field }).toEqual({
    code: 'BAD_USER_INPUT',
    field,
  });
  expect(reply.data ?? null).toBeNull();
}

const keysNamed = (target: HostileTarget, prefix: string) =>
  countRows(target, 'SELECT count(*) FROM api_keys WHERE name LIKE $1', [`${prefix}%`]);

export function graphqlStringCases(target: () => HostileTarget): void {
  describe('unstorable characters in GraphQL strings', () => {
    for (const transport of ['http', 'ws'] as const) {
      const send = transport === 'http' ? gql : wsGql;

      it(`a NUL byte in a literal argument (${transport}) names it, and no key is stored`, async () => {
        const cookie = await signIn(target(), target().admin);
        const reply = await send(
          target(),
          `mutation { createApiKey(name: "nul-literal-${transport}\\u0000x") { secret } }`,
          {},
          cookie,
        );
        expectBadInput(reply, 'name');
        expect(await keysNamed(target(), `nul-literal-${transport}`)).toBe(0);
      });

      it(`a NUL byte in a variable (${transport}) is named by its argument, and no key is stored`, async () => {
        const cookie = await signIn(target(), target().admin);
        const reply = await send(
          target(),
          'mutation CreateKey($name: String!) { createApiKey(name: $name) { secret } }',
          { name: `nul-variable-${transport}\u0000` },
          cookie,
        );
        expectBadInput(reply, 'name');
        expect(await keysNamed(target(), `nul-variable-${transport}`)).toBe(0);
      });

      it(`a NUL byte nested in an input object's list (${transport}) names the path`, async () => {
        const cookie = await signIn(target(), target().admin);
        const runs = await countRows(target(), 'SELECT count(*) FROM runs');
        const reply = await send(
          target(),
          'mutation Train($config: TrainingConfigInput) { startTraining(config: $config) { id } }',
          { config: { universe: ['SPY', 'Q\u0000Q'], modelName: 'nul-nested' } },
          cookie,
        );
        expectBadInput(reply, 'config.universe[1]');
        expect(await countRows(target(), 'SELECT count(*) FROM runs')).toBe(runs);
      });

      it(`an unpaired surrogate in the console's login (${transport}, anonymous) is refused`, async () => {
        const reply = await send(target(), consoleOperation('features/auth/operations.ts LOGIN'), {
          email: 'admin@hostile.test\uD800',
          password: 'whatever-it-is',
        });
        expectBadInput(reply, 'email');
      });
    }
  });
}
