import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const base = { JARVIS_DATA_DIR: '/tmp/jarvis-parts-sections' };

describe('config sections of the hub parts', () => {
  it('has defaults for time, Home Assistant, router and observer', () => {
    const c = loadConfig({ env: base });
    expect(typeof c.time.zone).toBe('string');
    expect(c.homeAssistant.url).toBeUndefined();
    expect(c.router).toEqual({ coldReplyMaxAgeMs: 3_600_000, coldReplySweepMs: 5000 });
    expect(c.observer).toMatchObject({ windowMs: 300_000, muteTailMs: 30_000, requireApproval: false, settleMs: 20_000 });
    expect(c.observer.todoWeights).toBeUndefined();
  });

  it('takes schema-derived environment variables', () => {
    const c = loadConfig({ env: { ...base, JARVIS_TIME_ZONE: 'Europe/Berlin', JARVIS_HOME_ASSISTANT_URL: 'http://ha.local:8123', JARVIS_HOME_ASSISTANT_TOKEN: 't', JARVIS_OBSERVER_TODO_ENTITY: 'todo.chores', JARVIS_OBSERVER_REQUIRE_APPROVAL: 'yes', JARVIS_OBSERVER_TODO_WEIGHTS: '/var/lib/jarvis/todo-weights.json' } });
    expect([c.time.zone, c.homeAssistant.url, c.homeAssistant.token, c.observer.todoEntity, c.observer.requireApproval, c.observer.todoWeights]).toEqual(['Europe/Berlin', 'http://ha.local:8123', 't', 'todo.chores', true, '/var/lib/jarvis/todo-weights.json']);
  });

  it('reports every bad value at once with its path and source', () => {
    let err: unknown;
    try {
      loadConfig({ env: { ...base, JARVIS_TIME_ZONE: 'Mars/Olympus', JARVIS_OBSERVER_TODO_ENTITY: 'light.kitchen', JARVIS_HOME_ASSISTANT_URL: 'ftp://x', JARVIS_ROUTER_COLD_REPLY_SWEEP_MS: '5' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).issues.join('\n');
    expect(text).toMatch(/time\.zone: must be an IANA time zone .*\(from JARVIS_TIME_ZONE\)/);
    expect(text).toMatch(/observer\.todoEntity: must be a todo entity id .*\(from JARVIS_OBSERVER_TODO_ENTITY\)/);
    expect(text).toMatch(/homeAssistant\.url: must be an http/);
    expect(text).toMatch(/router\.coldReplySweepMs: /);
  });

  it('ends commands early on a 120 ms pause by default; 0 turns it off; other values are refused', () => {
    expect(loadConfig({ env: base }).audio.earlyEndPauseMs).toBe(120);
    expect(loadConfig({ env: { ...base, JARVIS_AUDIO_EARLY_END_PAUSE_MS: '0' } }).audio.earlyEndPauseMs).toBe(0);
    for (const bad of ['-5', '12.5', 'soon', '9000']) {
      expect(() => loadConfig({ env: { ...base, JARVIS_AUDIO_EARLY_END_PAUSE_MS: bad } }), bad).toThrow(/audio\.earlyEndPauseMs: .*\(from JARVIS_AUDIO_EARLY_END_PAUSE_MS\)/);
    }
  });
});
