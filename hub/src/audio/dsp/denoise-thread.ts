/** The denoise thread (see DenoiseWorker in denoise.ts): one utterance per message, answered in order. */
import { parentPort } from 'node:worker_threads';
import { denoiseUtterance } from './denoise.js';

const port = parentPort;
if (!port) throw new Error('denoise-thread.ts runs only as a worker thread');
let queue = Promise.resolve();
port.on('message', (msg: { id: number; pcm: Float32Array }) => {
  queue = queue.then(async () => {
    try {
      const pcm = await denoiseUtterance(msg.pcm);
      port.postMessage({ id: msg.id, pcm }, [pcm.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
});
