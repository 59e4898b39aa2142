import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { VoiceRun, newRunId, type VoiceEvent } from '../../src/voice/events.js';
import { registerVoiceMetrics } from '../../src/voice/metrics.js';

describe('voice run', () => {
  it('ends exactly once and drops events after the end', () => {
    const seen: VoiceEvent[] = [];
    let now = 100;
    const run = new VoiceRun('r1', 'dev', (e) => seen.push(e), () => now);
    run.emit('run-start');
    now = 150;
    run.emit('speech-start');
    run.end('done');
    run.end('error');
    run.emit('stt-start');
    expect(seen.map((e) => [e.type, e.at])).toEqual([['run-start', 100], ['speech-start', 150], ['run-end', 150]]);
    expect(seen[2]?.data).toEqual({ reason: 'done' });
    expect(run.ended).toBe('done');
    expect(run.dropped).toBe(1);
  });

  it('turns a failure into an error event with its code, then the end', () => {
    const seen: VoiceEvent[] = [];
    const run = new VoiceRun('r2', 'dev', (e) => seen.push(e), () => 5);
    run.fail('JARVIS_STT_FAILED', 'engine crashed');
    expect(seen.map((e) => ({ type: e.type, data: e.data }))).toEqual([
      { type: 'error', data: { code: 'JARVIS_STT_FAILED', message: 'engine crashed' } },
      { type: 'run-end', data: { reason: 'error' } },
    ]);
  });

  it('makes distinct run ids', () => {
    expect(new Set(Array.from({ length: 100 }, newRunId)).size).toBe(100);
  });
});

describe('voice metrics', () => {
  it('feeds stage and after-speech-end histograms and counts runs by reason', async () => {
    const registry = new Registry();
    const metrics = registerVoiceMetrics(registry);
    const run = new VoiceRun('r3', 'dev', (e) => metrics.observe(e), () => 0);
    run.emit('capture-start', undefined, 1000);
    run.emit('speech-end', undefined, 2000);
    run.emit('capture-end', undefined, 2000);
    run.emit('stt-start', undefined, 2000);
    run.emit('stt-end', undefined, 2250);
    run.emit('reply', undefined, 2500);
    run.end('done', 2600);
    const text = await registry.metrics();
    expect(text).toMatch(/jarvis_voice_stage_seconds_sum\{stage="capture"\} 1\b/);
    expect(text).toMatch(/jarvis_voice_stage_seconds_sum\{stage="stt"\} 0\.25\b/);
    expect(text).toMatch(/jarvis_voice_after_speech_end_seconds_sum\{event="reply"\} 0\.5\b/);
    expect(text).toMatch(/jarvis_voice_runs_total\{reason="done"\} 1\b/);
  });
});
