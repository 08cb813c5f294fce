// Starts the platform the hostile corpus runs against: a private database with real SPY bars,
// the engine and the gateway as their own processes — from source in development mode, or as
// `npm start` runs them (built JavaScript, NODE_ENV=production).
import { execFileSync } from 'node:child_process';
import { hashPassword } from '@tradeplane/platform';
import {
  createApiKey,
  decisionEnv,
  freshDatabase,
  importDaily,
  openRepos,
  removeDecisionEnv,
} from '../decision-stack';
import { startProcess, type RunningProcess } from '../processes';
import { repoRoot } from '../stack';
import type { HostileTarget } from './target';

export interface HostilePlatform {
  target: HostileTarget;
  stop(): Promise<void>;
}

const ADMIN = { email: 'admin@hostile.test', password: 'hostile-admin-password-1' };
const VIEWER = { email: 'viewer@hostile.test', password: 'hostile-viewer-password-1' };
const GATEWAY_KEY = 'tp_hostile_gateway_key_0123456789abcdef';

export async function startHostilePlatform(
  mode: HostileTarget['mode'],
  extraEnv: Record<string, string> = {},
): Promise<HostilePlatform> {
  const databaseUrl = await freshDatabase(`tp_hostile_${mode}`);
  const repos = openRepos(databaseUrl);
  let engine: RunningProcess | undefined;
  let gateway: RunningProcess | undefined;
  let workers: RunningProcess | undefined;
  let env: Record<string, string> | undefined;
  let apiKey = '';
  try {
    await importDaily(repos, ['daily/spy_prices.csv']);
    await repos.users.create(VIEWER.email, await hashPassword(VIEWER.password), 'viewer');
    apiKey = await createApiKey(repos, 'trading engine (hostile corpus)');
    env = await decisionEnv(databaseUrl, `decisions-hostile-${mode}-${Date.now()}`, {
      NODE_ENV: mode,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ENGINE_API_KEY: GATEWAY_KEY,
      // A topic of its own (never created): no bar of another test or of a dev stack comes in.
      MARKET_DATA_TOPIC: `market-data-hostile-${mode}-${Date.now()}`,
      ...extraEnv,
    });
    if (mode === 'production') {
      execFileSync(process.execPath, ['scripts/build.mjs', '--if-changed'], { cwd: repoRoot, stdio: 'pipe' });
    }
    const entry = (service: 'engine' | 'gateway' | 'workers', source: string) =>
      mode === 'production' ? `dist/${service}/main.js` : source;
    engine = await startProcess(entry('engine', 'packages/engine/src/main.ts'), 'ENGINE_PORT', env);
    // The gateway's health counts the workers (the import queue's consumers).
    workers = await startProcess(entry('workers', 'apps/workers/src/main.ts'), 'WORKERS_METRICS_PORT', env);
    gateway = await startProcess(entry('gateway', 'apps/gateway/src/main.ts'), 'GATEWAY_PORT', {
      ...env,
      ENGINE_URL: engine.url,
    });
  } catch (err) {
    await gateway?.stop();
    await workers?.stop();
    await engine?.stop();
    await repos.db.close();
    await removeDecisionEnv(env);
    throw err;
  }
  await repos.db.close();
  const [runningEngine, runningGateway, runningWorkers] = [engine!, gateway!, workers!];
  return {
    target: {
      mode,
      gatewayUrl: runningGateway.url,
      engineUrl: runningEngine.url,
      apiKey,
      admin: ADMIN,
      viewer: VIEWER,
      databaseUrl,
    },
    async stop() {
      await runningGateway.stop();
      await runningWorkers.stop();
      await runningEngine.stop();
      await removeDecisionEnv(env);
    },
  };
}
