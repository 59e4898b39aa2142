import { describe, expect, it } from 'vitest';
import { ProtocolError, isProtocolError, decodeAudioFrame } from '../src/index.js';

describe('[GEN-1.5] ProtocolError', () => {
  it('carries a stable code, a name and a message that says where', () => {
    let caught: unknown;
    try {
      decodeAudioFrame(new Uint8Array(10));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect(caught).toBeInstanceOf(Error);
    expect(isProtocolError(caught)).toBe(true);
    expect(isProtocolError(caught, 'JARVIS_PROTO_TRUNCATED')).toBe(true);
    expect(isProtocolError(caught, 'JARVIS_PROTO_BAD_TAG')).toBe(false);
    const err = caught as ProtocolError;
    expect(err.name).toBe('ProtocolError');
    expect(err.message).toBe('datagram of 10 bytes is shorter than the 48-byte minimum');
  });

  it('isProtocolError is false for other errors and non-errors', () => {
    expect(isProtocolError(new Error('x'))).toBe(false);
    expect(isProtocolError({ code: 'JARVIS_PROTO_TRUNCATED' })).toBe(false);
    expect(isProtocolError(undefined)).toBe(false);
  });
});
