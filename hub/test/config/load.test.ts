import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, configSchema, envBindings, loadConfig, resolveDataDir } from '../../src/config/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jarvis-config-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default from the schema', () => {
    const dataDir = tempDir();
    const c = loadConfig({ env: { JARVIS_DATA_DIR: dataDir }, argv: [] });
    expect(c.dataDir).toBe(dataDir);
    expect(c.http.port).toBe(8640);
    expect(c.mqtt.url).toBeUndefined();
    expect(c.ingest.jitterTargetFrames).toBe(3);
    expect(Object.isFrozen(c) && Object.isFrozen(c.http)).toBe(true);
  });

  it('layers defaults < jarvis.yaml < JARVIS_* env < flags', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'jarvis.yaml'), 'http:\n  port: 9000\nudp:\n  port: 9001\nmqtt:\n  port: 9002\nlogLevel: warn\n');
    const c = loadConfig({
      env: { JARVIS_DATA_DIR: dataDir, JARVIS_UDP_PORT: '9101', JARVIS_MQTT_PORT: '9102' },
      argv: ['--mqtt-port', '0'],
    });
    expect(c.http.port).toBe(9000); // file
    expect(c.udp.port).toBe(9101); // env over file
    expect(c.mqtt.port).toBe(0); // flag over env
    expect(c.logLevel).toBe('warn');
    expect(c.grpc.port).toBe(8642); // default
  });

  it('derives env names from the schema paths', () => {
    const names = envBindings(configSchema).map((b) => b.name);
    expect(names).toEqual(expect.arrayContaining(['JARVIS_HTTP_PORT', 'JARVIS_MQTT_PORT', 'JARVIS_MQTT_URL', 'JARVIS_INGEST_JITTER_TARGET_FRAMES', 'JARVIS_DATA_DIR']));
    const dataDir = tempDir();
    const c = loadConfig({ env: { JARVIS_DATA_DIR: dataDir, JARVIS_INGEST_JITTER_TARGET_FRAMES: '5', JARVIS_API_PUBLIC_METRICS: 'false', JARVIS_MQTT_LIMITS_MAX_CONNECTIONS_PER_ADDRESS: '500' } });
    expect(c.ingest.jitterTargetFrames).toBe(5);
    expect(c.api.publicMetrics).toBe(false);
    expect(c.mqtt.limits.maxConnectionsPerAddress).toBe(500);
    // /metrics needs the token unless the operator chooses otherwise (issue 15).
    expect(loadConfig({ env: { JARVIS_DATA_DIR: dataDir } }).api.metrics).toBe('token');
    expect(loadConfig({ env: { JARVIS_DATA_DIR: dataDir, JARVIS_API_METRICS: 'loopback' } }).api.metrics).toBe('loopback');
  });

  it('reports every problem at once as path: message lines', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'jarvis.yaml'), 'http:\n  port: 70000\nmqtt:\n  url: http://nope\nbogus: 1\ningest:\n  concealment: loud\n');
    const err = configError(() => loadConfig({ env: { JARVIS_DATA_DIR: dataDir, JARVIS_UDP_PORT: 'abc' }, argv: ['--grpc-port=-5'] }));
    expect(err.code).toBe('JARVIS_CONFIG_INVALID');
    const text = err.issues.join('\n');
    expect(text).toMatch(/^http\.port: .*65535/m);
    expect(text).toMatch(/^udp\.port: .*\(from JARVIS_UDP_PORT\)/m);
    expect(text).toMatch(/^grpc\.port: .*\(from --grpc-port\)/m);
    expect(text).toMatch(/^mqtt\.url: /m);
    expect(text).toMatch(/^\(root\): .*bogus/m);
    expect(text).toMatch(/^ingest\.concealment: /m);
    expect(err.issues.length).toBeGreaterThanOrEqual(6);
  });

  it('reports a file that is not valid YAML, or not a mapping, with its name', () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'bad.yaml');
    writeFileSync(file, 'http: [1, 2\n  port: :\n');
    const err = configError(() => loadConfig({ env: {}, argv: ['--config', file, '--data-dir', dataDir] }));
    expect(err.issues[0]).toContain(file);
    writeFileSync(file, '- just\n- a list\n');
    expect(configError(() => loadConfig({ env: {}, argv: ['--config', file, '--data-dir', dataDir] })).issues.join('\n')).toMatch(/must be a mapping/);
    expect(configError(() => loadConfig({ env: {}, argv: ['--config', join(dataDir, 'missing.yaml')] })).issues[0]).toMatch(/does not exist/);
  });

  it('rejects unknown flags with JARVIS_CONFIG_BAD_FLAG', () => {
    const err = configError(() => loadConfig({ env: {}, argv: ['--http-prot', '1'] }));
    expect(err.code).toBe('JARVIS_CONFIG_BAD_FLAG');
    expect(err.issues[0]).toContain('--http-prot');
  });

  it('resolves the data dir from flag, env, then ~/.local/share/jarvis', () => {
    expect(resolveDataDir({ flags: { 'data-dir': 'rel' }, env: { JARVIS_DATA_DIR: '/x' }, cwd: '/base' })).toBe('/base/rel');
    expect(resolveDataDir({ env: { JARVIS_DATA_DIR: '/x' } })).toBe('/x');
    expect(resolveDataDir({ env: {} })).toMatch(/\.local\/share\/jarvis$/);
  });
});
