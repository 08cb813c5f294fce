/**
 * The training core in a worker thread.
 *
 * Why a thread and not just an epoch callback on the main thread: `trainModelSet` is one
 * synchronous call of seconds to minutes. On the main thread it would hold the event loop the
 * whole time: BullMQ could not renew the job's lock, progress could not be published, the
 * cancel flag could not be read, and the process' other queues and /healthz would stall. An
 * epoch callback alone only helps if the core yields between epochs, which would make the pure
 * core asynchronous. In a thread the core stays synchronous and pure (its observer only posts
 * messages), the main thread keeps serving, and a cancel is immediate wherever the maths is:
 * `terminate()` stops the thread mid-epoch.
 *
 * Loading the core into a fresh thread takes a few hundred ms (the TypeScript modules of quant
 * and contracts), so the job starts the thread before it reads its data and the two overlap;
 * what is left of the start-up when the data is in counts as compute. The input is copied to
 * the thread (structured clone) and the result copied back.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  ModelSetTrainingConfig,
  ModelSetTrainingInput,
  TrainedModelSet,
  TrainingCoreStage,
  TrainingEpochEvent,
  TrainingObserver,
} from '@tradeplane/quant';

export interface TrainingThreadData {
  input: ModelSetTrainingInput;
  config: ModelSetTrainingConfig;
}

export type TrainingThreadMessage =
  | { kind: 'ready' }
  | { kind: 'stage'; stage: TrainingCoreStage }
  | { kind: 'epoch'; event: TrainingEpochEvent }
  | { kind: 'done'; trained: TrainedModelSet };

export interface TrainInThreadOptions extends TrainingObserver {
  /** Aborting terminates the thread at once; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * The thread's entry. Built (`npm run build`), this code runs from dist/<process>/main.js and
 * the thread loads its own bundle beside it. From source it registers tsx's loader, then
 * imports training-thread.ts: Node 20 does not apply a parent's `--import tsx` hooks to a
 * worker's modules, so the thread registers its own, and the parent's tsx flags are left out
 * of its execArgv (one loader, not two).
 */
function entry(): URL {
  if (import.meta.url.endsWith('.js')) return new URL('../training-thread/main.js', import.meta.url);
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const module = new URL('./training-thread.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsxApi)};
register();
await import(${JSON.stringify(module)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

function execArgvWithoutTsx(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (
      ['--import', '--require', '--loader', '--experimental-loader'].includes(arg) &&
      argv[i + 1]?.includes('tsx')
    )
      i++;
    else if (!(arg.startsWith('--') && arg.includes('=') && arg.includes('tsx'))) out.push(arg);
  }
  return out;
}

/** One training run in its own thread; started early so that loading overlaps other work. */
export class TrainingThread {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private used = false;
  private exited = false;

  private constructor() {
    this.worker = new Worker(entry(), { execArgv: execArgvWithoutTsx() });
    this.worker.once('exit', () => (this.exited = true));
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: TrainingThreadMessage) => {
        if (m.kind !== 'ready') return;
        this.worker.off('message', onMessage);
        resolve();
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) =>
        reject(new Error(`the training thread exited (code ${code}) on start`)),
      );
    });
    // Observed through train(); a thread disposed unused must not leave an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  static start(): TrainingThread {
    return new TrainingThread();
  }

  /** A spare thread waiting for its run must not keep a process alive on its own. */
  unref(): void {
    this.worker.unref();
  }

  /** Resolves once the thread has loaded the training core; rejects if it could not. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Trains once (a thread serves one run); the thread ends with the run. */
  async train(
    input: ModelSetTrainingInput,
    config: ModelSetTrainingConfig,
    options: TrainInThreadOptions = {},
  ): Promise<TrainedModelSet> {
    if (this.used) throw new Error('a TrainingThread trains once');
    this.used = true;
    this.worker.ref();
    const { signal } = options;
    try {
      if (signal?.aborted) throw signal.reason;
      return await new Promise<TrainedModelSet>((resolve, reject) => {
        let settled = false;
        const settle = (outcome: () => void) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', abort);
          outcome();
        };
        const abort = () => settle(() => reject(signal!.reason));
        signal?.addEventListener('abort', abort, { once: true });
        this.ready.catch((err: unknown) => settle(() => reject(err)));
        this.worker.on('message', (m: TrainingThreadMessage) => {
          if (settled) return;
          try {
            if (m.kind === 'stage') options.onStage?.(m.stage);
            else if (m.kind === 'epoch') options.onEpoch?.(m.event);
            else if (m.kind === 'done') settle(() => resolve(m.trained));
          } catch (err) {
            settle(() => reject(err));
          }
        });
        this.worker.on('error', (err) => settle(() => reject(err)));
        this.worker.on('exit', (code) =>
          settle(() => reject(new Error(`the training thread exited (code ${code}) without a result`))),
        );
        const data: TrainingThreadData = { input, config };
        this.worker.postMessage(data);
      });
    } finally {
      await this.dispose();
    }
  }

  /** Stops the thread wherever it is (mid-epoch included). Safe to call twice. */
  async dispose(): Promise<void> {
    if (!this.exited) await this.worker.terminate();
  }
}

/** Starts a thread and trains in it: `TrainingThread.start().train(…)`. */
export function trainInThread(
  input: ModelSetTrainingInput,
  config: ModelSetTrainingConfig,
  options: TrainInThreadOptions = {},
): Promise<TrainedModelSet> {
  return TrainingThread.start().train(input, config, options);
}

let spare: TrainingThread | null = null;

/**
 * Loads a training thread ahead of the next run: the workers call it at start and after each
 * run. Loading the core into a thread takes ~0.4 s of CPU; done during a run it competes with
 * the run's data read for the cores (inflating the measured I/O), done ahead the run finds it
 * ready.
 */
export function prepareTrainingThread(): TrainingThread {
  if (!spare) {
    spare = TrainingThread.start();
    spare.unref();
  }
  return spare;
}

/** The prepared thread, or a new one when none is prepared. */
export function takeTrainingThread(): TrainingThread {
  const thread = spare ?? TrainingThread.start();
  spare = null;
  return thread;
}

/** Stops a prepared thread that no run took (process shutdown). */
export async function disposePreparedTrainingThread(): Promise<void> {
  const thread = spare;
  spare = null;
  await thread?.dispose();
}
