// Starts a platform process as deployed — its own `main.ts` in a child process — for an
// integration test of another process: a test never imports another app's code, it talks to
// the running process (apps stay independent; the lint rule on app imports holds for tests too).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot } from './stack';

export interface RunningProcess {
  /** http://127.0.0.1:<port> of the process' /healthz and /metrics. */
  url: string;
  child: ChildProcess;
  /** SIGTERM (the process drains and exits), SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/** A port free now on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Spawns `node --import tsx <entry>` (a `.ts` source) or `node <entry>` (a built `dist/…/main.js`)
 * with `env` and its port variable set to a free port, and resolves once GET /healthz answers
 * 200 (rejects with the process' stderr if it exits first or is not healthy within `startMs`).
 */
export async function startProcess(
  entry: string,
  portVariable: string,
  env: Record<string, string>,
  startMs = 60_000,
): Promise<RunningProcess> {
  const port = await freePort();
  const args = entry.endsWith('.ts')
    ? ['--import', 'tsx', path.join(repoRoot, entry)]
    : ['--enable-source-maps', path.join(repoRoot, entry)];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env, [portVariable]: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${entry} exited ${child.exitCode} before it was healthy: ${stderr}`);
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} not healthy after ${startMs} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    child,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** The workers process (BullMQ queues, no forensics consumer unless `env` enables it). */
export const startWorkersProcess = (env: Record<string, string>) =>
  startProcess('apps/workers/src/main.ts', 'WORKERS_METRICS_PORT', env);
