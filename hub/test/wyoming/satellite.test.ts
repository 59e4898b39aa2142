/**
 * Jarvis controlling a wyoming-satellite ([WY-4.x]): the fake satellite (peer.ts, after
 * wyoming-satellite's always-streaming mode) streams "hey jarvis … turn on the kitchen light" spoken by
 * espeak-ng; Jarvis runs wake, the command recogniser and the router, turns the light on in the HA
 * simulator and speaks the reply back with espeak-ng. Then keepalive loss, reconnect and mute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { DEFAULT_SPHINX_MODEL } from '../../src/stt/grammar/grammar-engine.js';
import { WyomingSatelliteController, type SatelliteMuteAudit } from '../../src/wyoming/satellite-controller.js';
import { EspeakTts } from '../../src/wyoming/tts.js';
import { loadWyomingResampler } from '../../src/wyoming/audio-convert.js';
import type { WyomingSttBackend } from '../../src/wyoming/backends.js';
import type { WakeModels } from '../../src/wyoming/wake-backends.js';
import { haveSpeechTools, loadPcm, speak } from '../stt/fixtures.js';
import { startSimulatedHaRouter, type SimulatedHaRouter } from '../home-assistant/helpers.js';
import { FakeSatellite } from './peer.js';
import { captureLogger, grammarStt, heyJarvis, joinClips } from './helpers.js';

const ready = haveSpeechTools() && existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`);
if (!ready) console.warn(`wyoming satellite tests skipped: need espeak-ng, sox and ${DEFAULT_SPHINX_MODEL}`);

describe.skipIf(!ready)('Jarvis as the controller of a wyoming-satellite', () => {
  let home: SimulatedHaRouter | undefined;
  let sim: SimulatedHaRouter['sim'];
  let router: SimulatedHaRouter['router'];
  let stt: WyomingSttBackend;
  let stopStt: () => Promise<void>;
  let wake: WakeModels;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    home = await startSimulatedHaRouter({ client: { connectTimeoutMs: undefined } });
    ({ sim, router } = home);
    const g = await grammarStt();
    stt = g.stt;
    stopStt = g.stop;
    wake = await heyJarvis();
    await loadWyomingResampler();
  }, 120_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await stopStt?.();
    await home?.stop();
  });

  function controller(port: number, extra: Partial<ConstructorParameters<typeof WyomingSatelliteController>[0]> = {}) {
    const { logger, lines } = captureLogger();
    const audits: SatelliteMuteAudit[] = [];
    const c = new WyomingSatelliteController({
      name: 'kitchen-satellite',
      host: '127.0.0.1',
      port,
      area: 'Kitchen',
      stt,
      wake,
      handle: async (text, ctx) => {
        const r = await router.handle(text, { ...(ctx.area ? { area: ctx.area } : {}), deviceId: ctx.deviceId });
        return { handled: r.result.ok, text: r.result.reply };
      },
      tts: new EspeakTts(),
      logger,
      pingIntervalMs: 150,
      pongTimeoutMs: 400,
      backoff: { initialMs: 50, maxMs: 400 },
      onMuteAudit: (a) => audits.push(a),
      ...extra,
    });
    cleanups.push(() => c.stop());
    return { c, lines, audits };
  }

  async function satellite(mic: Float32Array, extra: Partial<ConstructorParameters<typeof FakeSatellite>[0]> = {}): Promise<FakeSatellite> {
    const s = new FakeSatellite({ mic, chunkMs: 64, paceMs: 16, ...extra });
    await s.start();
    cleanups.push(() => s.stop());
    return s;
  }

  it('[WY-4.2] a spoken command streamed by the satellite turns on the light and the reply is spoken back', async () => {
    const mic = joinClips([loadPcm(speak('hey jarvis')), loadPcm(speak('turn on the kitchen light'))], 500);
    const sat = await satellite(mic);
    const { c } = controller(sat.port);
    await c.start();
    await sat.waitFor('audio-stop', 1, 30_000);
    const types = sat.received.map((e) => e.type).filter((t) => t !== 'ping' && t !== 'pong' && t !== 'audio-chunk');
    expect(types).toEqual(['run-satellite', 'detection', 'voice-started', 'voice-stopped', 'transcript', 'synthesize', 'audio-start', 'audio-stop']);
    expect(sat.received.find((e) => e.type === 'detection')?.data['name']).toBe('hey_jarvis');
    expect(sat.received.find((e) => e.type === 'transcript')?.data['text']).toBe('turn on the kitchen light');
    const reply = String(sat.received.find((e) => e.type === 'synthesize')?.data['text']);
    expect(reply.length).toBeGreaterThan(0);
    expect(sim.getState('light.kitchen')?.state).toBe('on');
    // The spoken reply: espeak-ng at its 22050 Hz, at least half a second of it.
    const tts = sat.ttsAudio();
    expect(tts.rate).toBe(22050);
    expect(tts.bytes / 2 / tts.rate).toBeGreaterThan(0.5);
    expect(c.lastRun).toMatchObject({ wakeWord: 'hey_jarvis', transcript: 'turn on the kitchen light', handled: true, engine: 'grammar' });
    expect(c.metrics.runs).toBe(1);
  }, 60_000);

  it('[WY-4.3] keepalive loss: no pong → reconnect with backoff; a dropped socket reconnects too', async () => {
    const sat = await satellite(new Float32Array(0));
    const { c, lines } = controller(sat.port);
    await c.start();
    await sat.waitFor('ping', 2);
    expect(c.state).toBe('connected');
    sat.answerPings = false;
    await expect.poll(() => c.metrics.pingsLost, { timeout: 5000 }).toBe(1);
    sat.answerPings = true;
    await expect.poll(() => sat.connections, { timeout: 5000 }).toBe(2);
    await expect.poll(() => c.state, { timeout: 5000 }).toBe('connected');
    expect(lines.some((l) => l['code'] === 'JARVIS_WYOMING_SATELLITE_LOST')).toBe(true);
    expect(lines.filter((l) => l['msg'] === 'wyoming satellite: state').map((l) => l['to'])).toEqual(['connecting', 'connected', 'backoff', 'connecting', 'connected']);
    await sat.waitFor('run-satellite', 2);
    sat.dropConnection();
    await expect.poll(() => sat.connections, { timeout: 5000 }).toBe(3);
    // The controller counts a connect as its socket opens; the satellite counts it as it accepts, a moment before.
    await expect.poll(() => [c.state, c.metrics.connects], { timeout: 5000 }).toEqual(['connected', 3]);
    // run-satellite again on every new connection.
    expect(sat.received.filter((e) => e.type === 'run-satellite').length).toBe(3);
  }, 30_000);

  it('[WY-4.3] backoff grows, is capped and jittered while the satellite is away', async () => {
    const sat = await satellite(new Float32Array(0));
    const port = sat.port;
    await sat.stop();
    const { c, lines } = controller(port, { backoff: { initialMs: 20, maxMs: 100 }, random: () => 1 });
    await c.start();
    await expect.poll(() => lines.filter((l) => l['to'] === 'backoff').length, { timeout: 5000 }).toBeGreaterThanOrEqual(5);
    const delays = lines.filter((l) => l['to'] === 'backoff').map((l) => Number(/retry in (\d+) ms/.exec(String(l['why']))?.[1]));
    expect(delays.slice(0, 5)).toEqual([20, 40, 80, 100, 100]);
  }, 15_000);

  it('[WY-4.4] mute in Jarvis: pause-satellite, audio dropped at the gate, audited with its source; unmute resumes', async () => {
    const mic = joinClips([loadPcm(speak('hey jarvis')), loadPcm(speak('turn off the kitchen light'))], 500);
    const sat = await satellite(mic, { ignorePause: true });
    const { c, audits } = controller(sat.port, { muted: false });
    await c.start();
    await sat.waitFor('run-satellite');
    const lightBefore = sim.getState('light.kitchen')?.state;
    c.setMuted(true, 'api');
    await sat.waitFor('pause-satellite');
    const droppedBefore = c.metrics.chunksDroppedMuted;
    await expect.poll(() => c.metrics.chunksDroppedMuted, { timeout: 5000 }).toBeGreaterThan(droppedBefore + 20);
    // The satellite kept streaming the whole command, but nothing of it was heard.
    await new Promise((r) => setTimeout(r, 1500));
    expect(sat.received.some((e) => e.type === 'detection' || e.type === 'transcript')).toBe(false);
    expect(sim.getState('light.kitchen')?.state).toBe(lightBefore);
    expect(audits).toEqual([expect.objectContaining({ satellite: 'kitchen-satellite', muted: true, source: 'api' })]);
    c.setMuted(false, 'cli');
    await sat.waitFor('run-satellite', 2);
    expect(audits.map((a) => [a.muted, a.source])).toEqual([[true, 'api'], [false, 'cli']]);
  }, 30_000);
});
