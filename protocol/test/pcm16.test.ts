import { describe, expect, it } from 'vitest';
import { decodePcm16, encodePcm16 } from '../src/index.js';
import { codeOf, hex } from './helpers.js';

describe('[UDP-3.2] PCM16LE', () => {
  it('is little-endian signed 16-bit', () => {
    const bytes = encodePcm16(Int16Array.from([1, -1, 32767, -32768, 0x1234]));
    expect(hex(bytes)).toBe('0100ffffff7f00803412');
    expect(decodePcm16(bytes)).toEqual(Int16Array.from([1, -1, 32767, -32768, 0x1234]));
  });

  it('rejects an odd number of bytes', () => {
    expect(codeOf(() => decodePcm16(new Uint8Array(3)))).toBe('JARVIS_PROTO_BAD_LENGTH');
  });
});
