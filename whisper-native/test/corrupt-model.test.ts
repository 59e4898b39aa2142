import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WhisperError } from '../src/errors.js';
import { WhisperModel } from '../src/model.js';
import { WhisperVad } from '../src/vad.js';
import { sharedModel } from '../../tests/helpers/shared-models.js';

// whisper.cpp's loader trusts the file: each corruption below made it allocate absurd sizes, read out of
// range or abort in a GGML_ASSERT. The binding's check must turn every one into JARVIS_WHISPER_MODEL_BAD
// naming what is wrong, and the process must live on to load the intact file.
const MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
const VAD = sharedModel('for-tests-silero-v6.2.0-ggml.bin');
const dir = mkdtempSync(join(tmpdir(), 'jarvis-whisper-corrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function variant(name: string, base: Buffer, edit: (b: Buffer) => Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, edit(Buffer.from(base)));
  return path;
}

const setI32 = (at: number, v: number) => (b: Buffer): Buffer => {
  b.writeInt32LE(v, at);
  return b;
};

/** A tensor record (n_dims, name length, type, dims, name, data) appended after the vocabulary. */
function tensor(nDims: number, nameLen: number, type: number, dims: number[], name: string, data = 0): Buffer {
  const head = Buffer.alloc(12 + 4 * dims.length);
  head.writeInt32LE(nDims, 0);
  head.writeInt32LE(nameLen, 4);
  head.writeInt32LE(type, 8);
  dims.forEach((d, i) => head.writeInt32LE(d, 12 + 4 * i));
  return Buffer.concat([head, Buffer.from(name), Buffer.alloc(data)]);
}

describe.skipIf(!existsSync(MODEL))('a corrupted whisper model file', () => {
  const base = existsSync(MODEL) ? readFileSync(MODEL) : Buffer.alloc(0);
  // Layout: magic, 11 hparams (bytes 4..47), n_mel and n_fft (48, 52), 80×201 float filters, vocabulary.
  const vocabAt = 56 + 4 * 80 * 201;
  const cases: [string, string, RegExp][] = [
    ['empty', variant('empty.bin', base, () => Buffer.alloc(0)), /file ends in the magic number/],
    ['truncated in the hparams', variant('trunc-hparams.bin', base, (b) => b.subarray(0, 30)), /file ends in n_text_ctx|file ends in n_audio_layer|file ends in/],
    ['truncated in the mel filters', variant('trunc-mel.bin', base, (b) => b.subarray(0, 5000)), /mel filters at byte 56 needs 64320 bytes/],
    ['truncated in the vocabulary', variant('trunc-vocab.bin', base, (b) => b.subarray(0, vocabAt + 200)), /token|file ends/],
    ['truncated by one byte', variant('trunc-1.bin', base, (b) => b.subarray(0, b.length - 1)), /file ends|token|remain/],
    ['n_vocab of 5', variant('vocab5.bin', base, setI32(4, 5)), /n_vocab is 5 at byte 4/],
    ['no audio heads', variant('heads0.bin', base, setI32(16, 0)), /n_audio_head is 0 at byte 16/],
    ['text state unlike audio state', variant('state.bin', base, setI32(28, 500)), /n_text_state is 500/],
    ['n_mels of 3', variant('mels.bin', base, setI32(40, 3)), /n_mels is 3/],
    ['a mel filter 2^30 wide', variant('fft.bin', base, setI32(52, 1 << 30)), /mel filter width is 1073741824 at byte 52/],
    ['more tokens than n_vocab', variant('ntok.bin', base, setI32(vocabAt, 1_000_000)), /vocabulary size is 1000000/],
    ['a token 2 GB long', variant('toklen.bin', base, setI32(vocabAt + 4, 0x7fffffff)), /token length is 2147483647/],
    ['a tensor of 9 dimensions', variant('ndims.bin', base, (b) => Buffer.concat([b, tensor(9, 4, 1, [], 'abcd')])), /tensor n_dims is 9/],
    ['a tensor of ggml type 99', variant('ttype.bin', base, (b) => Buffer.concat([b, tensor(1, 4, 99, [4], 'abcd')])), /tensor type is 99/],
    ['a tensor name of length -1', variant('namelen.bin', base, (b) => Buffer.concat([b, tensor(1, -1, 0, [4], '')])), /tensor name length is -1/],
    ['a tensor whose data is missing', variant('nodata.bin', base, (b) => Buffer.concat([b, tensor(2, 4, 0, [384, 384], 'abcd', 10)])), /data of tensor 'abcd'.*needs 589824 bytes but 10 remain/],
    ['a well-formed tensor whisper does not know', variant('unknown.bin', base, (b) => Buffer.concat([b, tensor(1, 4, 0, [4], 'abcd', 16)])), /whisper\.cpp: .*unknown tensor 'abcd'/],
  ];

  it.each(cases)('%s → JARVIS_WHISPER_MODEL_BAD saying what is wrong', async (_name, path, message) => {
    const err = await WhisperModel.load(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhisperError);
    expect((err as WhisperError).code).toBe('JARVIS_WHISPER_MODEL_BAD');
    expect((err as WhisperError).message).toMatch(message);
  });

  it('leaves the process able to load the intact file afterwards', async () => {
    const model = await WhisperModel.load(MODEL);
    await model.free();
  });
});

describe.skipIf(!existsSync(VAD))('a corrupted Silero VAD model file', () => {
  const base = existsSync(VAD) ? readFileSync(VAD) : Buffer.alloc(0);
  const typeLen = base.length > 8 ? base.readInt32LE(4) : 0;
  const layersAt = 8 + typeLen + 12 + 8;
  const cases: [string, string, RegExp][] = [
    ['a whisper model instead', existsSync(MODEL) ? MODEL : VAD, /model type length|n_window|n_encoder_layers|encoder layer|tensors/],
    ['truncated', variant('vad-trunc.bin', base, (b) => b.subarray(0, b.length >> 1)), /needs .* bytes but .* remain|file ends/],
    ['1000 encoder layers', variant('vad-layers.bin', base, setI32(layersAt, 1000)), /n_encoder_layers is 1000/],
    ['an encoder chain that does not fit', variant('vad-chain.bin', base, setI32(layersAt + 4 + 12, 7)), /encoder layer 1 takes 7 channels/],
  ];

  it.each(cases)('%s → JARVIS_WHISPER_MODEL_BAD', async (_name, path, message) => {
    const err = await WhisperVad.load(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhisperError);
    expect((err as WhisperError).code).toBe('JARVIS_WHISPER_MODEL_BAD');
    expect((err as WhisperError).message).toMatch(message);
  });
});
