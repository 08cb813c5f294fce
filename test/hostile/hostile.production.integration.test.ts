// The hostile-input corpus against the platform as `npm start` runs it: built JavaScript from
// dist/ with NODE_ENV=production. Ad-hoc GraphQL stays on for the admin, as an operator opts in,
// because the corpus sends operations the console never does.
import { afterAll, beforeAll } from 'vitest';
import { registerHostileCases } from './cases';
import { startHostilePlatform, type HostilePlatform } from './platform';

let platform: HostilePlatform;

beforeAll(async () => {
  platform = await startHostilePlatform('production', { GRAPHQL_ADHOC_OPERATIONS: 'admin' });
}, 300_000);

afterAll(async () => {
  await platform?.stop();
});

registerHostileCases(() => platform.target);
