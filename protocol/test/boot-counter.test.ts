/** [UDP-2.16] The sender's boot counter: advanced before use, restarted only by a new key. */
import { describe, expect, it } from 'vitest';
import {
  BOOT_COUNTER_MAX,
  advanceBootCounter,
  decodeBootCounterState,
  deviceKeyId,
  encodeBootCounterState,
} from '../src/index.js';
import { KEY, codeOf } from './helpers.js';

const KEY2 = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

describe('[UDP-2.16] advanceBootCounter', () => {
  it('starts at 1 with nothing stored and grows by one per boot under the same key', () => {
    let state = advanceBootCounter(undefined, KEY);
    expect(state).toEqual({ keyId: deviceKeyId(KEY), boot: 1 });
    for (let i = 2; i <= 18; i++) {
      state = advanceBootCounter(state, KEY);
      expect(state.boot).toBe(i);
    }
  });

  it('a new key starts a new epoch from 0 (first boot 1) [UDP-2.16]', () => {
    const old = { keyId: deviceKeyId(KEY), boot: 57 };
    expect(advanceBootCounter(old, KEY2)).toEqual({ keyId: deviceKeyId(KEY2), boot: 1 });
  });

  it('refuses to wrap: at the maximum the key must be rotated', () => {
    expect(codeOf(() => advanceBootCounter({ keyId: deviceKeyId(KEY), boot: BOOT_COUNTER_MAX }, KEY))).toBe('JARVIS_PROTO_BOOT_EXHAUSTED');
    expect(advanceBootCounter({ keyId: deviceKeyId(KEY), boot: BOOT_COUNTER_MAX - 1 }, KEY).boot).toBe(BOOT_COUNTER_MAX);
  });

  it('deviceKeyId is a 16-hex-digit fingerprint that differs per key and refuses a wrong-size key', () => {
    expect(deviceKeyId(KEY)).toMatch(/^[0-9a-f]{16}$/);
    expect(deviceKeyId(KEY)).not.toBe(deviceKeyId(KEY2));
    expect(codeOf(() => deviceKeyId(KEY.subarray(0, 16)))).toBe('JARVIS_PROTO_BAD_KEY');
  });
});

describe('[UDP-2.16] stored state', () => {
  it('round-trips', () => {
    const s = { keyId: deviceKeyId(KEY), boot: 4_000_000_000 };
    expect(decodeBootCounterState(encodeBootCounterState(s))).toEqual(s);
  });

  const bad: [string, string][] = [
    ['not JSON', '{"keyId":'],
    ['null', 'null'],
    ['an array', '[]'],
    ['keyId missing', '{"boot":3}'],
    ['keyId upper case', '{"keyId":"ABCDEF0123456789","boot":3}'],
    ['keyId short', '{"keyId":"abc","boot":3}'],
    ['boot negative', `{"keyId":"${'a'.repeat(16)}","boot":-1}`],
    ['boot fractional', `{"keyId":"${'a'.repeat(16)}","boot":1.5}`],
    ['boot above u32', `{"keyId":"${'a'.repeat(16)}","boot":4294967296}`],
    ['boot a string', `{"keyId":"${'a'.repeat(16)}","boot":"3"}`],
  ];
  for (const [name, text] of bad) {
    it(`refuses ${name} with JARVIS_PROTO_BAD_FIELD`, () => {
      expect(codeOf(() => decodeBootCounterState(text))).toBe('JARVIS_PROTO_BAD_FIELD');
    });
  }
});
