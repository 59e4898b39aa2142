import { describe, expect, it } from 'vitest';
import { DEVICE_TOPICS, MQTT_MAX_PAYLOAD_BYTES, STATUS_LAST_WILL, decodePayload, encodePayload, payloadSchemas, type DeviceTopic } from '../src/index.js';
import { codeOf, protocolErrorOf } from './helpers.js';

const valid: { [K in DeviceTopic]: unknown } = {
  status: { state: 'online', kind: 'wearable', firmware: '1.2.0', streamId: 12345, battery: 87, rssi: -61, cpuTempC: 41.5, uptimeS: 3600, ts: 1700000000000 },
  'state/mute': { muted: true, source: 'switch', ts: 1700000000000 },
  'event/button': { button: 'ptt', action: 'press' },
  'event/wake': { score: 0.93, phrase: 'hey jarvis' },
  'cmd/say': { text: 'The kettle is on.', id: 'r-1', volume: 0.6 },
  'cmd/led': { pattern: 'pulse', color: '#1e90ff', durationMs: 1500 },
  'cmd/config': { vadSensitivity: 0.5, frameMs: 20, codec: 'adpcm', volume: 1, wakeWord: false },
};

describe('[MQTT-6.5] payload schemas', () => {
  it('has one schema per device topic', () => {
    expect(Object.keys(payloadSchemas).sort()).toEqual([...DEVICE_TOPICS].sort());
  });

  for (const topic of DEVICE_TOPICS) {
    it(`${topic}: decodes bytes and strings, and encode→decode is the identity`, () => {
      const text = JSON.stringify(valid[topic]);
      expect(decodePayload(topic, new TextEncoder().encode(text))).toEqual(valid[topic]);
      expect(decodePayload(topic, text)).toEqual(valid[topic]);
      expect(decodePayload(topic, encodePayload(topic, valid[topic] as never))).toEqual(valid[topic]);
    });
  }

  it('[MQTT-6.4] the last will is a valid offline status', () => {
    expect(decodePayload('status', encodePayload('status', STATUS_LAST_WILL))).toEqual({ state: 'offline' });
  });

  it('ignores and drops unknown fields', () => {
    expect(decodePayload('state/mute', '{"muted":false,"future":1}')).toEqual({ muted: false });
  });

  it('names the offending field', () => {
    const err = protocolErrorOf(() => decodePayload('cmd/led', '{"pattern":"solid","color":"red"}'));
    expect(err.code).toBe('JARVIS_PROTO_BAD_PAYLOAD');
    expect(err.message).toMatch(/^cmd\/led payload: color: /);
    expect(protocolErrorOf(() => decodePayload('status', '{}')).message).toMatch(/state/);
    expect(protocolErrorOf(() => decodePayload('status', 'null')).message).toMatch(/\(payload\)/);
  });

  const bad: [DeviceTopic, string][] = [
    ['status', '{"state":"sleeping"}'],
    ['status', '{"state":"online","battery":101}'],
    ['status', '{"state":"online","rssi":5}'],
    ['status', '{"state":"online","streamId":0}'],
    ['state/mute', '{"muted":"yes"}'],
    ['state/mute', '{"muted":true,"ts":-1}'],
    ['event/button', '{"button":"ptt","action":"double"}'],
    ['event/wake', '{"score":1.5}'],
    ['cmd/say', '{"text":""}'],
    ['cmd/say', '{"text":"hi","volume":2}'],
    ['cmd/led', '{"pattern":"solid","color":"#FFFFFF"}'],
    ['cmd/led', '{"pattern":"solid","durationMs":0}'],
    ['cmd/config', '{"frameMs":30}'],
    ['cmd/config', '{"codec":"opus"}'],
    ['cmd/config', '[]'],
    ['cmd/config', '"x"'],
    ['cmd/config', '{"vadSensitivity":'],
    ['cmd/config', ''],
  ];
  for (const [topic, text] of bad) {
    it(`${topic} rejects ${text || '(empty)'} with JARVIS_PROTO_BAD_PAYLOAD`, () => {
      expect(codeOf(() => decodePayload(topic, text))).toBe('JARVIS_PROTO_BAD_PAYLOAD');
    });
  }

  it('rejects invalid UTF-8 and oversized payloads', () => {
    expect(codeOf(() => decodePayload('cmd/say', Uint8Array.from([0x7b, 0xff, 0x7d])))).toBe('JARVIS_PROTO_BAD_PAYLOAD');
    const big = `{"text":"${'a'.repeat(MQTT_MAX_PAYLOAD_BYTES)}"}`;
    expect(codeOf(() => decodePayload('cmd/say', big))).toBe('JARVIS_PROTO_TOO_LARGE');
    expect(codeOf(() => decodePayload('cmd/say', new TextEncoder().encode(big)))).toBe('JARVIS_PROTO_TOO_LARGE');
  });

  it('encodePayload validates too', () => {
    expect(codeOf(() => encodePayload('cmd/led', { pattern: 'rainbow' } as never))).toBe('JARVIS_PROTO_BAD_PAYLOAD');
    expect(codeOf(() => encodePayload('cmd/nope' as DeviceTopic, {} as never))).toBe('JARVIS_PROTO_BAD_TOPIC');
  });
});
