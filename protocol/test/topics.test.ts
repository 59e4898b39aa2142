import { describe, expect, it } from 'vitest';
import {
  DEVICE_TOPICS,
  deviceMayPublish,
  deviceMaySubscribe,
  isRetainedTopic,
  parseTopic,
  topicFor,
  type DeviceTopic,
} from '../src/index.js';
import { codeOf, protocolErrorOf } from './helpers.js';

const ID = '0000002a';

describe('[MQTT-6.1] topic names', () => {
  it('builds and parses every device topic', () => {
    expect(topicFor(ID, 'state/mute')).toBe('jarvis/v1/device/0000002a/state/mute');
    for (const t of DEVICE_TOPICS) expect(parseTopic(topicFor(ID, t))).toEqual({ deviceId: ID, topic: t });
  });

  it('rejects a bad device id or topic when building', () => {
    expect(codeOf(() => topicFor('2A', 'status'))).toBe('JARVIS_PROTO_BAD_DEVICE_ID');
    expect(codeOf(() => topicFor(ID, 'cmd/reboot' as DeviceTopic))).toBe('JARVIS_PROTO_BAD_TOPIC');
  });

  it('rejects malformed topics with JARVIS_PROTO_BAD_TOPIC naming the problem', () => {
    for (const bad of [
      '',
      'jarvis/v2/device/0000002a/status',
      'jarvis/v1/device/',
      'jarvis/v1/device/0000002a',
      'jarvis/v1/device/0000002a/',
      'jarvis/v1/device/0000002A/status',
      'jarvis/v1/device/2a/status',
      'jarvis/v1/device/0000002a/status/extra',
      'jarvis/v1/device/0000002a/cmd/#',
      'jarvis/v1/device/+/status',
      '/jarvis/v1/device/0000002a/status',
    ]) {
      expect(codeOf(() => parseTopic(bad))).toBe('JARVIS_PROTO_BAD_TOPIC');
    }
    expect(codeOf(() => parseTopic(undefined as unknown as string))).toBe('JARVIS_PROTO_BAD_TOPIC');
    expect(protocolErrorOf(() => parseTopic('jarvis/v1/device/0000002a/cmd/reboot')).message).toContain('"cmd/reboot"');
  });
});

describe('[MQTT-6.4] retained topics', () => {
  it('are status, state/mute and cmd/config only', () => {
    expect(DEVICE_TOPICS.filter(isRetainedTopic)).toEqual(['status', 'state/mute', 'cmd/config']);
  });
});

describe('[MQTT-6.7] device ACL', () => {
  it('lets a device publish only its own status, mute state and events', () => {
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/status`)).toBe(true);
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/state/mute`)).toBe(true);
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/event/button`)).toBe(true);
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/event/anything-new`)).toBe(true);
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/event/`)).toBe(false);
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/cmd/say`)).toBe(false);
    expect(deviceMayPublish(ID, `jarvis/v1/device/0000002b/status`)).toBe(false);
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/state/other`)).toBe(false);
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/event/#`)).toBe(false);
    expect(deviceMayPublish(ID, `jarvis/v1/device/${ID}/event/a\u0000`)).toBe(false);
    expect(deviceMayPublish('bad', `jarvis/v1/device/bad/status`)).toBe(false);
  });

  it('lets a device subscribe only inside its own cmd/#', () => {
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/${ID}/cmd/#`)).toBe(true);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/${ID}/cmd/+`)).toBe(true);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/${ID}/cmd/say`)).toBe(true);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/${ID}/#`)).toBe(false);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/+/cmd/#`)).toBe(false);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/0000002b/cmd/#`)).toBe(false);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/${ID}/cmd/#/x`)).toBe(false);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/${ID}/cmd/sa+`)).toBe(false);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/${ID}/cmd/`)).toBe(false);
    expect(deviceMaySubscribe(ID, `jarvis/v1/device/${ID}/cmd/\u0000`)).toBe(false);
    expect(deviceMaySubscribe('0000002A', `jarvis/v1/device/0000002A/cmd/#`)).toBe(false);
  });
});
