import { contentTokens } from './normalise.js';

/**
 * Turns to-do text into a vector for similarity search. The hashed n-gram embedder below is the
 * default; a GGUF embedding model (node-llama-cpp) can implement the same interface when configured.
 */
export interface TextEmbedder {
  /** Short id stored beside each vector, so vectors of different embedders are never compared. */
  readonly id: string;
  /** Length of every vector; the `todo_vectors` table is declared with this size. */
  readonly dimensions: number;
  embed(text: string): Promise<Float32Array>;
}

/** Vector length of {@link HashedNgramEmbedder}, and of the `todo_vectors` table. */
export const HASHED_EMBEDDING_DIMENSIONS = 256;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic embedding without a model: word unigrams and bigrams plus character trigrams of the
 * normalised content words, hashed (signed) into a fixed-size L2-normalised vector. Rephrasings that
 * share their content words ("buy eggs" / "we're out of eggs") land close; different objects do not.
 */
export class HashedNgramEmbedder implements TextEmbedder {
  readonly id = 'hashed-ngram-v1';
  constructor(readonly dimensions: number = HASHED_EMBEDDING_DIMENSIONS) {}

  /** Synchronous form, for callers that need no model. */
  embedSync(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    const tokens = contentTokens(text);
    const add = (feature: string, weight: number): void => {
      const h = fnv1a(feature);
      v[h % this.dimensions]! += (h & 0x80000000 ? -1 : 1) * weight;
    };
    tokens.forEach((t, i) => {
      add(`w:${t}`, 1);
      if (i > 0) add(`b:${tokens[i - 1]} ${t}`, 0.5);
      const padded = `^${t}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.35);
    });
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
    return v;
  }

  async embed(text: string): Promise<Float32Array> {
    return this.embedSync(text);
  }
}

/** Cosine similarity of two L2-normalised vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * (b[i] ?? 0);
  return s;
}
