import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundle, parseHostPort } from '../src/bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'edge-bundle-'));
const good = {
  version: 1, deviceId: '0000002a', name: 'kitchen', area: 'Kitchen', kind: 'satellite', key: 'ab'.repeat(32),
  mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'device-0000002a', password: 'secret-password' },
  hub: { udp: '127.0.0.1:7600', http: 'http://127.0.0.1:8600' },
};
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('bundle loading', () => {
  it('accepts the bundle jarvis device add writes', () => {
    expect(loadBundle(file('ok.json', JSON.stringify(good)))).toEqual(good);
  });

  it.each([
    ['missing file', () => join(dir, 'missing.json'), /cannot read bundle file/],
    ['not JSON', () => file('bad.json', '{"version": 1,'), /is not JSON/],
    ['short key', () => file('key.json', JSON.stringify({ ...good, key: 'abcd' })), /key: must be 64 lowercase hex digits/],
    ['bad device id and URL', () => file('id.json', JSON.stringify({ ...good, deviceId: '2A', mqtt: { ...good.mqtt, url: 'nope' } })), /deviceId: must be 8 lowercase hex digits.*mqtt\.url/],
  ])('rejects a %s with JARVIS_EDGE_BAD_BUNDLE', (_name, path, message) => {
    expect(() => loadBundle(path())).toThrow(expect.objectContaining({ code: 'JARVIS_EDGE_BAD_BUNDLE', message: expect.stringMatching(message) }));
  });

  it('parses HOST:PORT and [v6]:PORT and rejects the rest', () => {
    expect(parseHostPort('hub.local:7600')).toEqual({ host: 'hub.local', port: 7600 });
    expect(parseHostPort('[fe80::1]:7600')).toEqual({ host: 'fe80::1', port: 7600 });
    for (const bad of ['hub.local', 'hub:0', 'hub:70000', ':7600']) expect(() => parseHostPort(bad)).toThrow(expect.objectContaining({ code: 'JARVIS_EDGE_BAD_BUNDLE' }));
  });
});
