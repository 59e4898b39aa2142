import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SttError } from '../errors.js';

/** One downloadable model: where it comes from, what it must hash to, and under which licence. */
export const modelEntrySchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash, underscore'),
  kind: z.enum(['whisper', 'llm', 'embedding']),
  file: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name'),
  url: z.string().url(),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  licence: z.string().min(1),
  description: z.string().default(''),
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
];

/**
 * The catalogue in effect: the built-in entries, plus or overridden by the entries of the JSON array in
 * `$JARVIS_MODEL_CATALOGUE` (private mirrors, extra models). A bad file throws JARVIS_MODEL_BAD_CATALOGUE
 * naming the file and the field.
 */
export function loadCatalogue(env: NodeJS.ProcessEnv = process.env): ModelEntry[] {
  const extraPath = env['JARVIS_MODEL_CATALOGUE'];
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
