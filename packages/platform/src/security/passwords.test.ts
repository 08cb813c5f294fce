import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPasswordOrDummy } from './passwords';

describe('verifyPasswordOrDummy', () => {
  it('verifies against the stored hash, and answers false for a missing account', async () => {
    const stored = await hashPassword('right-password');
    expect(await verifyPasswordOrDummy('right-password', stored)).toBe(true);
    expect(await verifyPasswordOrDummy('wrong-password', stored)).toBe(false);
    expect(await verifyPasswordOrDummy('right-password', null)).toBe(false);
    expect(await verifyPasswordOrDummy('', null)).toBe(false);
  });
});
