import { describe, expect, it } from 'vitest';
import { setInferenceThread, sharedSession } from '../../src/audio/onnx-runtime.js';
import { devWakeFiles, MODELS_SKIP_REASON } from './model-files.js';

const files = devWakeFiles();

describe.skipIf(!files)(`the inference thread (${MODELS_SKIP_REASON})`, { timeout: 60_000 }, () => {
  it('gives the same outputs as the main thread, and a bad input rejects without stopping the thread', async () => {
    const x = Float32Array.from({ length: 1760 }, (_, i) => Math.round(3000 * Math.sin(i / 7)));
    const feeds = { input: { type: 'float32' as const, data: x, dims: [1, 1760] } };
    setInferenceThread('main');
    const main = await sharedSession(files!.melspectrogram);
    setInferenceThread('worker');
    const worker = await sharedSession(files!.melspectrogram);
    expect(worker).not.toBe(main);
    const [a, b] = await Promise.all([main.run(feeds), worker.run(feeds)]);
    expect(Array.from(b['output']!.data as Float32Array)).toEqual(Array.from(a['output']!.data as Float32Array));
    expect(b['output']!.dims).toEqual([1, 1, 8, 32]);
    // runMany answers each input in order, in one trip.
    const many = await worker.runMany([feeds, { input: { type: 'float32', data: x.subarray(0, 1280), dims: [1, 1280] } }]);
    expect(many.map((o) => o['output']!.dims)).toEqual([[1, 1, 8, 32], [1, 1, 5, 32]]);
    await expect(worker.run({ input: { type: 'float32', data: x, dims: [2, 2, 440] } })).rejects.toThrow(/input|dimension|rank/i);
    expect((await worker.run(feeds))['output']!.dims).toEqual([1, 1, 8, 32]);
  });
});
