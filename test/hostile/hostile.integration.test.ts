// The hostile-input corpus against the platform started from source in development mode.
import { afterAll, beforeAll } from 'vitest';
import { registerHostileCases } from './cases';
import { startHostilePlatform, type HostilePlatform } from './platform';

let platform: HostilePlatform;

beforeAll(async () => {
  platform = await startHostilePlatform('development');
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

registerHostileCases(() => platform.target);
