import { topicFor } from '@jarvis/protocol';
import { simulateWearable } from '@jarvis/wearable';
import { afterEach, describe, expect, it } from 'vitest';
import { voiceFixture } from './fixtures/voice/index.js';
import { speak, startVoiceHub, voiceSkipReason } from './e2e-voice-helpers.js';
import type { PartsHub } from './hub-parts-helpers.js';

const skip = voiceSkipReason();
if (skip) console.warn(`e2e-voice skipped: ${skip}`);

let t: PartsHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type RunJson = { id: string; deviceId: string; kind: string; reason: string; events: Array<{ type: string; at: number; data?: Record<string, unknown> }> };

const calls = (hub: PartsHub): Array<[string, string[]]> => hub.ha!.serviceCalls.map((c) => [`${c.domain}.${c.service}`, [...c.entityIds].sort()]);

describe.skipIf(skip !== undefined)('voice end to end: a wearable speaks, Home Assistant acts, the device hears the reply', () => {
  it('"turn on the kitchen lights" (PTT) from a kitchen wearable turns on the kitchen light only, replies on cmd/say, and records a timed run', async () => {
    t = await startVoiceHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    await speak(t, kitchen, voiceFixture({ text: 'turn on the kitchen lights' }), { speed: 2 });

    expect(calls(t)).toEqual([['light.turn_on', ['light.kitchen']]]);
    expect(t.ha!.getState('light.kitchen')?.state).toBe('on');
    expect(await kitchen.heard(/kitchen light/i)).toBe('Turned on the Kitchen Light.');

    const list = await t.api('GET', `/api/v1/runs?device=${kitchen.bundle.deviceId}`);
    expect(list.status).toBe(200);
    const runs = list.json['runs'] as RunJson[];
    expect(runs).toHaveLength(1);
    const run = (await t.api('GET', `/api/v1/runs/${runs[0]!.id}`)).json as unknown as RunJson;
    expect([run.kind, run.reason, run.deviceId]).toEqual(['command', 'done', kitchen.bundle.deviceId]);
    // The run's stages in order, timestamps removed (CONVENTIONS.md 9).
    expect(run.events.map((e) => (e.data ? { type: e.type, data: e.data } : { type: e.type }))).toEqual([
      { type: 'run-start', data: { kind: 'command' } },
      { type: 'capture-start' },
      { type: 'wake', data: { trigger: 'ptt' } },
      { type: 'speech-start' },
      // Ended by the grammar on the first pause ("complete-command") or, when its decode is slower than the
      // rest of the hangover on a busy box, by the silence hangover; either way STT reuses the pause's decode.
      { type: 'speech-end', data: { reason: expect.stringMatching(/^(complete-command|silence)$/) } },
      { type: 'capture-end', data: { ms: expect.any(Number) } },
      { type: 'stt-start', data: { engine: 'auto', audioMs: expect.any(Number), grammar: 'from-pause' } },
      { type: 'stt-end', data: { engine: 'grammar', text: expect.stringMatching(/^turn on (the )?kitchen lights?$/), confidence: expect.any(Number) } },
      { type: 'intent-start' },
      { type: 'intent-end', data: { intent: 'HassTurnOn', tier: 0, path: 'hot', confidence: 1, targets: ['light.kitchen'] } },
      { type: 'action-start', data: { domain: 'light', service: 'turn_on', entityIds: ['light.kitchen'] } },
      { type: 'action-end', data: { domain: 'light', service: 'turn_on', entityIds: ['light.kitchen'], ok: true } },
      { type: 'reply', data: { text: 'Turned on the Kitchen Light.', sent: true, ok: true } },
      { type: 'run-end', data: { reason: 'done' } },
    ]);
    // Stages after STT are on the hub's wall clock and in order.
    const at = (type: string): number => run.events.find((e) => e.type === type)!.at;
    expect(at('stt-end')).toBeGreaterThanOrEqual(at('stt-start'));
    expect(at('action-start')).toBeGreaterThanOrEqual(at('intent-end'));
    expect(at('action-end')).toBeGreaterThanOrEqual(at('action-start'));

    const metrics = await t.hub.parts.api.fastify.inject({ method: 'GET', url: '/metrics' });
    for (const stage of ['capture', 'stt', 'intent', 'action']) expect(metrics.body).toContain(`jarvis_voice_stage_seconds_count{stage="${stage}"} 1`);
    expect(metrics.body).toContain('jarvis_voice_after_speech_end_seconds_count{event="action-start"} 1');
    expect(metrics.body).toContain('jarvis_voice_runs_total{reason="done"} 1');
  });

  it('with a long hangover, a complete command still ends on its first pause; one that a longer command starts with waits', async () => {
    // The pause's decode must come back before the hangover and before the stream's end flag. Both are 5 s of audio
    // (2.5 s of wall time at speed 2), not 2 s and the clip's short tail: on a box saturated by other work a decode
    // took over a second, and the wearable's end flag then closed the command first ("end-flag", seen at load ~4).
    t = await startVoiceHub({ env: { JARVIS_AUDIO_HANGOVER_MS: '5000' } });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    await speak(t, kitchen, voiceFixture({ text: 'turn on the kitchen lights', tailMs: 5500 }), { speed: 2 });
    const first = (await t.api('GET', '/api/v1/runs')).json['runs'] as RunJson[];
    expect(first.map((r) => [r.kind, r.reason, r.events.find((e) => e.type === 'speech-end')?.data?.['reason']])).toEqual([['command', 'done', 'complete-command']]);
    expect(calls(t)).toEqual([['light.turn_on', ['light.kitchen']]]);

    // "turn on the kitchen" is a command too (every kitchen light and switch), but "... lights" starts with it:
    // a 500 ms pause after "kitchen" must not end the utterance.
    const head = voiceFixture({ text: 'turn on the kitchen', leadMs: 400, tailMs: 500 });
    const tail = voiceFixture({ text: 'lights', leadMs: 0, tailMs: 5500 });
    const samples = new Int16Array(head.samples.length + tail.samples.length);
    samples.set(head.samples);
    samples.set(tail.samples, head.samples.length);
    t.ha!.setState('light.kitchen', 'off');
    await speak(t, kitchen, { ...head, name: 'split', samples, speechEndMs: head.samples.length / 16 + tail.speechEndMs }, { speed: 2 });
    const runs = (await t.api('GET', '/api/v1/runs')).json['runs'] as RunJson[];
    expect(runs).toHaveLength(2);
    const split = runs.find((r) => r.id !== first[0]!.id)!;
    expect(split.events.find((e) => e.type === 'stt-end')?.data?.['text']).toMatch(/^turn on (the )?kitchen lights?$/);
    expect(calls(t)).toEqual([['light.turn_on', ['light.kitchen']], ['light.turn_on', ['light.kitchen']]]);
  });

  // LOOSENED on purpose (issue 14 note): with the issue-14 language (all of HA's intents) the grammar's noisy
  // threshold was re-chosen on the tune half for at most one wrong action (the old one took 7 wrong actions of
  // 25 accepted there), and at that threshold this clip is declined at 15 and 20 dB. What must hold: the hub
  // never does anything but turn on exactly the kitchen light.
  it('in 15 dB pink noise it turns on exactly the kitchen light or nothing: never a wrong action', async () => {
    t = await startVoiceHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    await speak(t, kitchen, voiceFixture({ text: 'turn on the kitchen lights', noise: 'pink', snrDb: 15 }), { speed: 2 });
    const runs = (await t.api('GET', '/api/v1/runs')).json['runs'] as RunJson[];
    const acted = calls(t);
    expect([[], [['light.turn_on', ['light.kitchen']]]], JSON.stringify(runs.map((r) => r.events.find((e) => e.type === 'stt-end')?.data))).toContainEqual(acted);
    if (acted.length > 0) await kitchen.heard(/kitchen light/i);
  }, 60_000);

  it('a bedroom satellite saying "turn off the lights" turns off the bedroom lights only', async () => {
    t = await startVoiceHub();
    for (const id of ['light.bedroom', 'light.bedside_lamp', 'light.kitchen']) t.ha!.setState(id, 'on');
    const bedroom = await t.device('bedside', 'Bedroom', 'satellite');
    // This test is about the satellite's area deciding which lights; recognition accuracy is measured in
    // hub/test/stt/grammar and `stt.grammar_accuracy`. The en-gb voice it first used is now rejected by the
    // router grammar's zero-false-accept thresholds after the hub's denoiser (whisper, which would take
    // over with real weights, returns nothing with the weightless test model), so it speaks en-us.
    await speak(t, bedroom, voiceFixture({ text: 'turn off the lights', voice: 'en-us' }), { speed: 2 });
    // The recogniser declines this clip but its best path is close: the hearing policy asks first (hub/src/voice/README.md);
    // what is asked about must be exactly the bedroom's lights, and the spoken "yes" runs it.
    expect(await bedroom.heard(/^Did you say/)).toBe('Did you say turn off the lights in the Bedroom?');
    expect(calls(t)).toEqual([]);
    await speak(t, bedroom, voiceFixture({ text: 'yes' }), { speed: 2 });
    await bedroom.heard(/turned off/i);
    expect(calls(t)).toEqual([['light.turn_off', ['light.bedroom', 'light.bedside_lamp']]]);
    expect(t.ha!.getState('light.kitchen')?.state).toBe('on');
    await bedroom.heard(/turned off/i);
  });

  it('with the mute switch on, the same command does nothing at all: no service call, no cmd/say, no run', async () => {
    t = await startVoiceHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const fx = voiceFixture({ text: 'turn on the kitchen lights' });
    const sim = simulateWearable({ bundle: kitchen.bundle, audio: { samples: fx.samples, sampleRate: fx.sampleRate }, muteAt: [0], speed: 2, seed: 3 });
    // The wearer presses PTT while the switch is on mute.
    // The simulator's retained mute state reaches the hub over MQTT; on a loaded 2-core box that can take
    // longer than a fixed 300 ms sleep, so wait for it (bounded) instead of guessing.
    for (let i = 0; i < 50 && !t.hub.parts.gate.isMuted(kitchen.bundle.deviceId); i++) await new Promise((r) => setTimeout(r, 100));
    expect(t.hub.parts.gate.isMuted(kitchen.bundle.deviceId)).toBe(true);
    await kitchen.client.publishAsync(topicFor(kitchen.bundle.deviceId, 'event/button'), JSON.stringify({ button: 'ptt', action: 'press' }), { qos: 1 });
    const report = await sim;
    expect(report.audioFrames).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(t.ha!.serviceCalls).toEqual([]);
    expect(kitchen.said).toEqual([]);
    expect((await t.api('GET', '/api/v1/runs')).json['runs']).toEqual([]);
  });

  it('a mute during the command discards the utterance: the run ends muted and nothing acts', async () => {
    t = await startVoiceHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const fx = voiceFixture({ text: 'turn on the kitchen lights' });
    // Mute just before the end of speech: the utterance is still open.
    await speak(t, kitchen, fx, { speed: 2, muteAt: [(fx.speechEndMs - 200) / 1000] });
    expect(t.ha!.serviceCalls).toEqual([]);
    expect(kitchen.said).toEqual([]);
    const runs = (await t.api('GET', '/api/v1/runs')).json['runs'] as RunJson[];
    expect(runs.map((r) => [r.kind, r.reason])).toEqual([['command', 'muted']]);
    expect(runs[0]!.events.map((e) => e.type)).not.toContain('stt-start');
  });

  it('rejects malformed runs queries with JARVIS_VOICE_BAD_REQUEST and an unknown run with JARVIS_VOICE_RUN_NOT_FOUND', async () => {
    t = await startVoiceHub({ homeAssistant: false });
    const cases: Array<[string, number, string, RegExp]> = [
      ['/api/v1/runs?limit=0', 400, 'JARVIS_VOICE_BAD_REQUEST', /limit/],
      ['/api/v1/runs?limit=abc', 400, 'JARVIS_VOICE_BAD_REQUEST', /limit/],
      ['/api/v1/runs?device=kitchen', 400, 'JARVIS_VOICE_BAD_REQUEST', /device: must be 8 lowercase hex digits/],
      ['/api/v1/runs?colour=red', 400, 'JARVIS_VOICE_BAD_REQUEST', /colour/],
      ['/api/v1/runs/not%20a%20run', 400, 'JARVIS_VOICE_BAD_REQUEST', /id: is not a run id/],
      ['/api/v1/runs/abc123-00001', 404, 'JARVIS_VOICE_RUN_NOT_FOUND', /abc123-00001/],
    ];
    for (const [url, status, code, message] of cases) {
      const res = await t.api('GET', url);
      expect([res.status, (res.json['error'] as { code: string }).code], url).toEqual([status, code]);
      expect((res.json['error'] as { message: string }).message, url).toMatch(message);
    }
    const voice = (await t.api('GET', '/api/v1/voice')).json;
    // With Home Assistant off the grammar has no names, and the hub still runs its engines.
    expect(voice).toMatchObject({ started: true, whisper: 'on', grammar: 'on', names: { entities: 0, areas: 0, floors: 0 } });
    expect(t.hub.parts.voice?.pipeline.status().inFlight).toBe(0);
  });
});
