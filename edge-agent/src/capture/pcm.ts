/** Turns a byte stream of interleaved PCM16LE into mono sample blocks, whatever the chunk boundaries. */

/**
 * Reassembles PCM16LE from arbitrary chunks (a pipe may split a sample or a multi-channel frame) and
 * mixes multi-channel audio down to mono by averaging, which keeps a ReSpeaker HAT's array usable
 * without beamforming.
 */
export class PcmAssembler {
  private carry: Buffer = Buffer.alloc(0);

  constructor(private readonly channels: number) {}

  /** Returns the whole mono samples in `chunk` plus what was carried over; keeps any partial frame. */
  push(chunk: Uint8Array): Int16Array {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const frameBytes = 2 * this.channels;
    const frames = Math.floor(bytes.length / frameBytes);
    const used = frames * frameBytes;
    this.carry = Buffer.from(bytes.subarray(used));
    const out = new Int16Array(frames);
    if (this.channels === 1) {
      for (let i = 0; i < frames; i++) out[i] = bytes.readInt16LE(2 * i);
    } else {
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < this.channels; c++) sum += bytes.readInt16LE(i * frameBytes + 2 * c);
        out[i] = Math.round(sum / this.channels);
      }
    }
    return out;
  }

  /** Drops a partial frame, e.g. when the capture process restarts. */
  reset(): void {
    this.carry = Buffer.alloc(0);
  }
}
