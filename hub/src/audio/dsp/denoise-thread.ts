/** The denoise thread (see DenoiseWorker in denoise.ts): one utterance per request, answered in order, the result moved back. */
import { serveThread } from '../../core/index.js';
import { denoiseUtterance } from './denoise.js';

serveThread(denoiseUtterance, (pcm) => [pcm.buffer as ArrayBuffer]);
