import { describe, expect, it } from 'vitest';
import { formatDeviceId, isDeviceId, parseDeviceId } from '../src/index.js';
import { codeOf } from './helpers.js';

describe('[MQTT-6.2] device id text form', () => {
  it('is 8 lowercase hex digits', () => {
    expect(formatDeviceId(42)).toBe('0000002a');
    expect(formatDeviceId(0xffffffff)).toBe('ffffffff');
    expect(parseDeviceId('0000002a')).toBe(42);
    expect(parseDeviceId(formatDeviceId(0xdeadbeef))).toBe(0xdeadbeef);
  });

  it('rejects anything else with JARVIS_PROTO_BAD_DEVICE_ID', () => {
    for (const bad of ['2a', '0000002A', '00000002a', '0000002g', '', ' 0000002a', '0x00002a']) {
      expect(codeOf(() => parseDeviceId(bad))).toBe('JARVIS_PROTO_BAD_DEVICE_ID');
    }
    expect(codeOf(() => parseDeviceId(42 as unknown as string))).toBe('JARVIS_PROTO_BAD_DEVICE_ID');
    for (const bad of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(isDeviceId(bad)).toBe(false);
      expect(codeOf(() => formatDeviceId(bad))).toBe('JARVIS_PROTO_BAD_DEVICE_ID');
    }
  });
});
