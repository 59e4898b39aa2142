/**
 * CMU's en-us acoustic model ships its mixture weights only as `sendump` (8-bit quantised, PocketSphinx's
 * compact form), but sphinxtrain's `bw` and `map_adapt` read Sphinx-3 `mixture_weights` (float32). This converts
 * one into the other, as sphinxtrain's python `sendump.py` does: each byte b is −log₁.₀₀₀₁ of the weight shifted
 * right by `mixw_shift`, so w = 1.0001^−(b << shift); each senone's weights per feature stream are renormalised
 * (the quantisation loses a little mass), which is fine for collecting adaptation statistics.
 */
import { InputError } from '../../core/index.js';

/** Mixture weights: `[senone][feature][density]`, row-major. */
export interface MixtureWeights {
  senones: number;
  features: number;
  densities: number;
  weights: Float32Array;
}

function bad(why: string): InputError<'JARVIS_ACOUSTIC_BAD_MODEL'> {
  return new InputError('JARVIS_ACOUSTIC_BAD_MODEL', `not a PocketSphinx sendump file: ${why}`);
}

/** Parses a `sendump` (either byte order), as pocketsphinx's `read_sendump` does. */
export function readSendump(buf: Buffer): MixtureWeights {
  let pos = 0;
  let little = true;
  const int = (): number => {
    if (pos + 4 > buf.length) throw bad('truncated header');
    const v = little ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
    pos += 4;
    return v;
  };
  // The title's length decides the byte order (pocketsphinx: "extremely bogus", but it is the format).
  if (buf.length < 4) throw bad('truncated header');
  if (buf.readUInt32LE(0) > 999) little = false;
  const str = (): string | null => {
    const n = int();
    if (n === 0) return null;
    if (n > 65536 || pos + n > buf.length) throw bad('header string out of range');
    const s = buf.toString('latin1', pos, pos + n - 1);
    pos += n;
    return s;
  };
  if (str() === null) throw bad('no title');
  const header: Record<string, number> = {};
  for (let s = str(); s !== null; s = str()) {
    const [key, value] = s.trim().split(/\s+/);
    if (key !== undefined && value !== undefined && /^\d+$/.test(value)) header[key] = Number(value);
  }
  const features = header['feature_count'] ?? 0;
  const shift = header['mixw_shift'] ?? 10;
  if ((header['cluster_count'] ?? 0) !== 0) throw bad('clustered (cluster_count > 0) sendumps are not supported');
  const densities = int(); // rows: codewords
  const senones = int(); // columns
  if (features < 1 || densities < 1 || senones < 1) throw bad(`bad sizes (features ${features}, densities ${densities}, senones ${senones})`);
  if (pos + features * densities * senones > buf.length) throw bad(`${buf.length - pos} bytes of weights for ${features}×${densities}×${senones}`);
  const weights = new Float32Array(senones * features * densities);
  const logBase = Math.log(1.0001);
  for (let f = 0; f < features; f++) {
    for (let d = 0; d < densities; d++) {
      for (let s = 0; s < senones; s++) {
        const b = buf[pos++] as number;
        weights[(s * features + f) * densities + d] = Math.exp(-(b << shift) * logBase);
      }
    }
  }
  for (let row = 0; row < senones * features; row++) {
    let sum = 0;
    for (let d = 0; d < densities; d++) sum += weights[row * densities + d] as number;
    if (sum > 0) for (let d = 0; d < densities; d++) weights[row * densities + d] = (weights[row * densities + d] as number) / sum;
  }
  return { senones, features, densities, weights };
}

/** A Sphinx-3 binary `mixture_weights` file (native little-endian, byte-order magic, no checksum). */
export function writeMixw(m: MixtureWeights): Buffer {
  let head = 's3\nversion 1.0\n';
  const lsb = (head.length + 'endhdr\n'.length) & 3;
  head += `${lsb === 0 ? '' : ' '.repeat(4 - lsb)}endhdr\n`;
  const out = Buffer.alloc(head.length + 4 + 16 + m.weights.length * 4);
  out.write(head, 0, 'latin1');
  let pos = head.length;
  for (const v of [0x11223344, m.senones, m.features, m.densities, m.weights.length]) {
    out.writeUInt32LE(v, pos);
    pos += 4;
  }
  for (const w of m.weights) {
    out.writeFloatLE(w, pos);
    pos += 4;
  }
  return out;
}
