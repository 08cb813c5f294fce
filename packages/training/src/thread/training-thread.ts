/**
 * The training thread's module (see train-in-thread.ts): loaded while the job reads its data,
 * it waits for one message with the input, runs the pure training core on it and posts the
 * stages, every epoch and the result back.
 */
import { parentPort } from 'node:worker_threads';
import { trainModelSet } from '@tradeplane/quant';
import type { TrainingThreadData, TrainingThreadMessage } from './train-in-thread';

const port = parentPort;
if (!port) throw new Error('training-thread.ts runs in a worker thread (TrainingThread)');
const post = (message: TrainingThreadMessage) => port.postMessage(message);
port.once('message', ({ input, config }: TrainingThreadData) => {
  const trained = trainModelSet(input, config, {
    onStage: (stage) => post({ kind: 'stage', stage }),
    onEpoch: (event) => post({ kind: 'epoch', event }),
  });
  post({ kind: 'done', trained });
  port.close();
});
post({ kind: 'ready' });
