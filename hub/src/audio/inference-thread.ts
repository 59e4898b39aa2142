/**
 * An inference thread (see InferencePool in onnx-runtime.ts): loads ONNX sessions by path, on first use, and runs
 * batches of feeds one after the other; requests are answered in the order they came, outputs moved back.
 * A session loads on the first request that names it, so a thread started to replace a dead one needs no setup.
 */
import { createRequire } from 'node:module';
import type * as OrtModule from 'onnxruntime-node';
import { serveThread } from '../core/index.js';
import { AudioError } from './dsp/errors.js';
import { runChained, type Feeds, type InferenceReply, type InferenceRequest, type Outputs } from './onnx-runtime.js';

const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof OrtModule;
const sessions = new Map<string, Promise<OrtModule.InferenceSession>>();

function session(req: InferenceRequest): Promise<OrtModule.InferenceSession> {
  let s = sessions.get(req.path);
  if (!s) {
    s = ort.InferenceSession.create(req.path, req.options).catch((err: unknown) => {
      sessions.delete(req.path);
      throw new AudioError('JARVIS_AUDIO_MODEL_LOAD', `cannot load ONNX model ${req.path}: ${(err as Error).message}`);
    });
    sessions.set(req.path, s);
  }
  return s;
}

async function handle(req: InferenceRequest): Promise<InferenceReply> {
  // Tests only (InferencePool.failNextRuns): the thread dies under this batch.
  if (req.kind === 'run' && req.exit) process.exit(1);
  const s = await session(req);
  if (req.kind === 'load') return { meta: { inputNames: s.inputNames, outputNames: s.outputNames, inputMetadata: s.inputMetadata } };
  const run = async (feeds: Feeds): Promise<Outputs> => {
    const input: Record<string, OrtModule.Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) input[k] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    let out: OrtModule.InferenceSession.ReturnType;
    try {
      out = await s.run(input);
    } catch (err) {
      throw new AudioError('JARVIS_AUDIO_INFERENCE_FAILED', `${req.path}: ${(err as Error).message}`);
    }
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, data: t.data, dims: t.dims }]));
  };
  const outputs = await runChained(run, req.runs, req.carry);
  return { outputs };
}

serveThread(handle, (reply) => ('outputs' in reply ? [...new Set(reply.outputs.flatMap((o) => Object.values(o).map((t) => (t.data as Float32Array).buffer as ArrayBuffer)))] : []));
