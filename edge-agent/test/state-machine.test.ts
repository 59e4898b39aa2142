import { describe, expect, it } from 'vitest';
import { Backoff, EDGE_STATES, EDGE_TRANSITIONS, EdgeStateMachine } from '../src/state-machine.js';
import { capturingLogger } from './helpers/logs.js';

describe('agent state machine', () => {
  it('logs one line per transition with from, to and reason, and ignores a move to the same state', () => {
    const { logger, entries } = capturingLogger();
    const m = new EdgeStateMachine(logger, () => 5);
    const seen: string[] = [];
    m.onTransition((t) => seen.push(`${t.from}>${t.to}`));
    m.go('connecting', 'started');
    m.go('streaming', 'connected');
    m.go('streaming', 'again');
    m.go('muted', 'switch');
    m.go('reconnecting', 'lost');
    m.go('stopped', 'SIGTERM');
    expect(seen).toEqual(['starting>connecting', 'connecting>streaming', 'streaming>muted', 'muted>reconnecting', 'reconnecting>stopped']);
    expect(entries().map((e) => [e['from'], e['to'], e['reason']])).toEqual([
      ['starting', 'connecting', 'started'], ['connecting', 'streaming', 'connected'], ['streaming', 'muted', 'switch'], ['muted', 'reconnecting', 'lost'], ['reconnecting', 'stopped', 'SIGTERM'],
    ]);
    expect(m.transitions.at(-1)).toEqual({ from: 'reconnecting', to: 'stopped', reason: 'SIGTERM', at: 5 });
  });

  it('refuses transitions the table does not allow, and stopped is final', () => {
    const m = new EdgeStateMachine(capturingLogger().logger);
    expect(() => m.go('streaming', 'skip connecting')).toThrow(/illegal agent transition starting -> streaming/);
    m.go('stopped', 'done');
    for (const s of EDGE_STATES.filter((x) => x !== 'stopped')) expect(() => m.go(s, 'revive')).toThrow(/illegal/);
    for (const s of EDGE_STATES) if (s !== 'stopped') expect(EDGE_TRANSITIONS[s]).toContain('stopped');
  });
});

describe('backoff', () => {
  it('grows exponentially to the cap without jitter', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => b.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads each delay by the jitter and never exceeds the cap', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
    const high = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0.999999 });
    expect([1, 2, 3].map(() => low.next())).toEqual([50, 100, 200]);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([150, 300, 600, 1000, 1000]);
    const seeded = new Backoff({ initialMs: 100, maxMs: 30_000, jitter: 0.2 });
    for (let i = 0; i < 200; i++) {
      const d = seeded.next();
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(30_000);
    }
    expect(seeded.attempts).toBe(200);
  });
});
