/**
 * Streaming MFCCs on 16 kHz audio: 25 ms Hamming windows every 10 ms, 512-point FFT, 26 mel bands,
 * cepstra c1..c12 (c0, the loudness, is left out so a far and a near talker look alike).
 */

const RATE = 16000;
const WIN = 400;
const HOP = 160;
const NFFT = 512;
const BANDS = 26;
// 20 dB beat 25 and 30 on the noisy fixtures' hit/false-accept margin (see the issue note).
const RANGE_DB = 20;
const RELATIVE_FLOOR = 10 ** (-RANGE_DB / 10);
const ABSOLUTE_FLOOR = 1e-4;
/** Cepstral coefficients per feature vector. */
export const MFCC_DIM = 12;

const window = Float64Array.from({ length: WIN }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (WIN - 1)));
const melOf = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
const hzOf = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

// Triangular mel filters over FFT bins, 80 Hz – 7.6 kHz.
const filters: { start: number; weights: Float64Array }[] = (() => {
  const lo = melOf(80);
  const hi = melOf(7600);
  const edges = Array.from({ length: BANDS + 2 }, (_, i) => Math.floor(((NFFT + 1) * hzOf(lo + ((hi - lo) * i) / (BANDS + 1))) / RATE));
  return Array.from({ length: BANDS }, (_, b) => {
    const [l, c, r] = [edges[b] as number, edges[b + 1] as number, edges[b + 2] as number];
    const weights = new Float64Array(r - l + 1);
    for (let k = l; k <= r; k++) weights[k - l] = k < c ? (k - l) / Math.max(1, c - l) : (r - k) / Math.max(1, r - c);
    return { start: l, weights };
  });
})();

const dct = Array.from({ length: MFCC_DIM }, (_, n) => Float64Array.from({ length: BANDS }, (_, b) => Math.cos((Math.PI * (n + 1) * (b + 0.5)) / BANDS)));

const bitrev = (() => {
  const out = new Uint32Array(NFFT);
  const bits = Math.log2(NFFT);
  for (let i = 0; i < NFFT; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    out[i] = r;
  }
  return out;
})();

/** In-place radix-2 FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < NFFT; i++) {
    const j = bitrev[i] as number;
    if (j > i) {
      [re[i], re[j]] = [re[j] as number, re[i] as number];
      [im[i], im[j]] = [im[j] as number, im[i] as number];
    }
  }
  for (let size = 2; size <= NFFT; size <<= 1) {
    const half = size >> 1;
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < NFFT; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = start + k;
        const b = a + half;
        const tr = wr * (re[b] as number) - wi * (im[b] as number);
        const ti = wr * (im[b] as number) + wi * (re[b] as number);
        re[b] = (re[a] as number) - tr;
        im[b] = (im[a] as number) - ti;
        re[a] = (re[a] as number) + tr;
        im[a] = (im[a] as number) + ti;
      }
    }
  }
}

/** Turns 10 ms frames (160 samples at 16 kHz, floats) into one MFCC vector each. */
export class MfccExtractor {
  private readonly history = new Float64Array(WIN);
  private readonly re = new Float64Array(NFFT);
  private readonly im = new Float64Array(NFFT);

  /** Pushes 160 samples and returns the MFCC vector of the 25 ms window ending with them. */
  push(frame: Float32Array): Float32Array {
    this.history.copyWithin(0, HOP);
    for (let i = 0; i < HOP; i++) this.history[WIN - HOP + i] = frame[i] ?? 0;
    this.re.fill(0);
    this.im.fill(0);
    for (let i = 0; i < WIN; i++) this.re[i] = (this.history[i] as number) * (window[i] as number);
    fft(this.re, this.im);
    const mel = new Float64Array(BANDS);
    let loudest = 1e-10;
    for (let b = 0; b < BANDS; b++) {
      const f = filters[b]!;
      let e = 0;
      for (let k = 0; k < f.weights.length; k++) {
        const bin = f.start + k;
        e += (f.weights[k] as number) * ((this.re[bin] as number) ** 2 + (this.im[bin] as number) ** 2);
      }
      mel[b] = e;
      if (e > loudest) loudest = e;
    }
    // Bands more than RANGE_DB under the frame's loudest are clamped: they hold mostly residual noise,
    // whose shape would otherwise dominate the cepstrum; relative, so talker level does not matter.
    const floor = Math.max(loudest * RELATIVE_FLOOR, ABSOLUTE_FLOOR);
    const logMel = new Float64Array(BANDS);
    for (let b = 0; b < BANDS; b++) logMel[b] = Math.log(Math.max(mel[b] as number, floor));
    const out = new Float32Array(MFCC_DIM);
    for (let n = 0; n < MFCC_DIM; n++) {
      let s = 0;
      const row = dct[n]!;
      for (let b = 0; b < BANDS; b++) s += (row[b] as number) * (logMel[b] as number);
      out[n] = s;
    }
    return out;
  }
}

/** MFCC vectors of a whole 16 kHz float signal, one per 10 ms. */
export function mfccOf(signal: Float32Array): Float32Array[] {
  const ex = new MfccExtractor();
  const out: Float32Array[] = [];
  for (let at = 0; at + HOP <= signal.length; at += HOP) out.push(ex.push(signal.subarray(at, at + HOP)));
  return out;
}
