/**
 * Jarvis as a Wyoming server, driven by the TS peer that replays HA's event sequences ([WY-3.x]):
 * STT at 16 kHz and 44.1 kHz stereo through the real command recogniser, wake with an abrupt close,
 * handle turning on a light in the HA simulator, and bad input that must not stop the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { audioChunkEvent, audioStartEvent, bareEvent, parseInfo, transcribeEvent, type WyomingEvent } from '@jarvis/protocol';
import { WyomingServer } from '../../src/wyoming/server.js';
import { routerHandleBackend } from '../../src/wyoming/router-handle.js';
import { DEFAULT_SPHINX_MODEL } from '../../src/stt/grammar/grammar-engine.js';
import { haveSpeechTools, loadPcm, speak } from '../stt/fixtures.js';
import { startSimulatedHaRouter, type SimulatedHaRouter } from '../home-assistant/helpers.js';
import { WyomingTestClient, haDescribe, haDetect, haHandle, haTranscribe } from './peer.js';
import { captureLogger, grammarStt, heyJarvis, joinClips } from './helpers.js';

const ready = haveSpeechTools() && existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`);
if (!ready) console.warn(`wyoming server tests skipped: need espeak-ng, sox and ${DEFAULT_SPHINX_MODEL}`);

describe.skipIf(!ready)('Wyoming server (HA side of the peer)', () => {
  const { logger, lines } = captureLogger();
  let home: SimulatedHaRouter | undefined;
  let sim: SimulatedHaRouter['sim'];
  let server: WyomingServer;
  let stopStt: () => Promise<void>;
  const sttTimes: Array<{ ms: number; engine: string }> = [];

  beforeAll(async () => {
    home = await startSimulatedHaRouter();
    const { ha, router } = home;
    sim = home.sim;
    const g = await grammarStt();
    stopStt = g.stop;
    server = new WyomingServer({
      port: 0,
      allow: ['127.0.0.0/8', '::1/128'],
      mdns: false,
      version: '0.1.0',
      stt: g.stt,
      wake: await heyJarvis(),
      handle: routerHandleBackend(router, () => ha.snapshot()),
      partialTimeoutMs: 400,
      logger,
      onStt: (ms, engine) => sttTimes.push({ ms, engine }),
    });
    await server.start();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await stopStt?.();
    await home?.stop();
  });

  it('[WY-2.1] describe → info that HA can load: asr, wake (with phrase), handle with supports_home_control', async () => {
    const info = await haDescribe(server.port);
    expect(() => parseInfo(info)).not.toThrow();
    const d = info.data as Record<string, Array<Record<string, unknown>>>;
    for (const fam of ['asr', 'tts', 'handle', 'intent', 'wake', 'mic', 'snd']) expect(Array.isArray(d[fam])).toBe(true);
    expect(d['asr']![0]).toMatchObject({ name: 'jarvis', installed: true, version: '0.1.0', supports_transcript_streaming: true });
    expect(d['asr']![0]!['models']).toEqual([expect.objectContaining({ name: 'command-grammar', languages: ['en'], installed: true, attribution: expect.objectContaining({ name: 'CMU PocketSphinx' }) })]);
    expect(d['wake']![0]!['models']).toEqual([expect.objectContaining({ name: 'hey_jarvis', phrase: 'hey jarvis', installed: true, languages: ['en'] })]);
    expect(d['handle']![0]).toMatchObject({ supports_home_control: true, supports_handled_streaming: false, installed: true });
    expect(info.version).toBe('1.7.2');
  });

  it('[WY-3.2] STT at 16 kHz mono: transcript-start/chunk/stop, then the transcript HA waits for', async () => {
    const { client, transcript } = await haTranscribe(server.port, loadPcm(speak('turn on the kitchen light')));
    expect(transcript.data).toEqual({ text: 'turn on the kitchen light', language: 'en' });
    expect(client.events.map((e) => e.type)).toEqual(['transcript-start', 'transcript-chunk', 'transcript-stop', 'transcript']);
    client.end();
    expect(sttTimes.at(-1)?.engine).toBe('grammar');
  });

  it('[WY-3.2] STT at 44.1 kHz stereo 16-bit is mixed down and resampled', async () => {
    const { client, transcript } = await haTranscribe(server.port, loadPcm(speak('turn off the bedroom light')), { rate: 44100, width: 2, channels: 2 });
    expect(transcript.data['text']).toBe('turn off the bedroom light');
    client.end();
  });

  it('[WY-3.3] wake: detection {name, timestamp} for "hey jarvis", then HA closes without audio-stop', async () => {
    const before = lines.length;
    const audio = joinClips([loadPcm(speak('hey jarvis'))], 600);
    const { detection, client } = await haDetect(server.port, audio, ['hey_jarvis']);
    expect(detection?.data['name']).toBe('hey_jarvis');
    const ts = detection?.data['timestamp'] as number;
    // The phrase ends ~600 ms + its length into the stream; the detection stamps within it.
    expect(ts).toBeGreaterThan(600);
    expect(ts).toBeLessThan(600 + (audio.length / 16) );
    await client.closed;
    // The server counted the abrupt close as a normal end of the stream and keeps serving.
    await expect.poll(() => lines.slice(before).some((l) => l['msg'] === 'wyoming: wake stream ended by close')).toBe(true);
    expect((await haDescribe(server.port)).type).toBe('info');
  });

  it('[WY-3.3] wake: not-detected on audio-stop when nothing was said; unknown model names are an error', async () => {
    const client = await WyomingTestClient.connect(server.port);
    client.send({ type: 'detect', data: { names: null } });
    client.send(audioStartEvent({ rate: 16000, width: 2, channels: 1 }));
    client.send(audioChunkEvent({ rate: 16000, width: 2, channels: 1 }, new Uint8Array(16000)));
    client.send({ type: 'audio-stop', data: { timestamp: null } });
    expect((await client.waitFor('not-detected')).data).toEqual({});
    client.send({ type: 'detect', data: { names: ['ok_nabu'] } });
    client.send(audioStartEvent({ rate: 16000, width: 2, channels: 1 }));
    expect((await client.waitFor('error')).data['code']).toBe('JARVIS_WYOMING_NO_WAKE');
    client.end();
  });

  it('[WY-3.4] handle: a transcript from HA with a device id in the kitchen turns on the kitchen light', async () => {
    expect(sim.getState('light.kitchen')?.state).toBe('off');
    const reply = await haHandle(server.port, 'turn on the light', { conversation_id: '01JX', device_id: 'dev_kitchen_speaker' });
    expect(reply.type).toBe('handled');
    expect(typeof reply.data['text']).toBe('string');
    expect(reply.data['context']).toEqual({ conversation_id: '01JX', device_id: 'dev_kitchen_speaker' });
    await expect.poll(() => sim.getState('light.kitchen')?.state).toBe('on');
    expect(lines.some((l) => l['msg'] === 'wyoming: handled a command from Home Assistant' && l['area'] === 'Kitchen')).toBe(true);
  });

  it('[WY-3.4] handle: what the router cannot act on is not-handled with its reason', async () => {
    const reply = await haHandle(server.port, 'turn on the spaceship', { conversation_id: '01JY' });
    expect(reply.type).toBe('not-handled');
    expect(String(reply.data['text']).length).toBeGreaterThan(0);
  });

  it('[WY-3.5] many connections at once are independent', async () => {
    const clip = loadPcm(speak('turn on the kitchen light'));
    const results = await Promise.all([
      haTranscribe(server.port, clip),
      haTranscribe(server.port, clip, { rate: 44100, width: 2, channels: 2 }),
      haDescribe(server.port),
      haTranscribe(server.port, clip, { rate: 22050, width: 4, channels: 1 }),
    ]);
    expect(results.filter((r): r is Awaited<ReturnType<typeof haTranscribe>> => 'transcript' in r).map((r) => r.transcript.data['text'])).toEqual([
      'turn on the kitchen light',
      'turn on the kitchen light',
      'turn on the kitchen light',
    ]);
    for (const r of results) if ('client' in r) r.client.end();
  });

  describe('[WY-3.7] bad input: an error event or a close with a log line; the server keeps serving', () => {
    const expectStillServing = async (): Promise<void> => expect((await haDescribe(server.port)).type).toBe('info');

    it('a header that is not JSON: error with the protocol code, then close', async () => {
      const before = lines.length;
      const c = await WyomingTestClient.connect(server.port);
      c.raw('this is not wyoming\n');
      const err = await c.waitFor('error');
      expect(err.data['code']).toBe('JARVIS_PROTO_BAD_PAYLOAD');
      await c.closed;
      expect(lines.slice(before).some((l) => l['code'] === 'JARVIS_PROTO_BAD_PAYLOAD' && typeof l['peer'] === 'string')).toBe(true);
      await expectStillServing();
    });

    it('an oversized payload_length is refused from the header alone', async () => {
      const c = await WyomingTestClient.connect(server.port);
      c.raw('{"type": "audio-chunk", "data": {"rate": 16000, "width": 2, "channels": 1}, "payload_length": 1073741824}\n');
      expect((await c.waitFor('error')).data['code']).toBe('JARVIS_PROTO_TOO_LARGE');
      await c.closed;
      await expectStillServing();
    });

    it('a peer that never sends the data it announced is timed out', async () => {
      const c = await WyomingTestClient.connect(server.port);
      c.raw('{"type": "audio-chunk", "data_length": 40, "payload_length": 640}\n{"rate": 16000');
      const err = await c.waitFor('error', 5000);
      expect(err.data['code']).toBe('JARVIS_PROTO_TRUNCATED');
      await c.closed;
      await expectStillServing();
    });

    it('a well-framed but wrong event gets an error and the connection stays open', async () => {
      const c = await WyomingTestClient.connect(server.port);
      c.send(audioChunkEvent({ rate: 16000, width: 2, channels: 1 }, new Uint8Array(64)));
      expect((await c.waitFor('error')).data['code']).toBe('JARVIS_WYOMING_BAD_ORDER');
      c.send(transcribeEvent());
      c.send({ type: 'audio-start', data: { rate: 16000, width: 7, channels: 1 } });
      expect((await c.waitFor('error', 5000, 1)).data['code']).toBe('JARVIS_PROTO_BAD_FIELD');
      c.send(bareEvent('describe'));
      const info: WyomingEvent = await c.waitFor('info');
      expect(info.type).toBe('info');
      c.end();
    });
  });

  it('[WY-1] [WY-2.1] a Python client restating the reference reader and writer (HA\'s describe, STT and handle) reads every answer', async () => {
    let out: string;
    try {
      // Asynchronously: the server answering it runs in this process.
      out = (await promisify(execFile)('python3', [fileURLToPath(new URL('./reference_peer.py', import.meta.url)), String(server.port), speak('turn on the kitchen light')], { encoding: 'utf8', timeout: 60_000 })).stdout;
    } catch (err) {
      if (process.env['CI'] || (err as { code?: unknown }).code !== 'ENOENT') throw err;
      console.warn('python3 not available: skipping the Python peer');
      return;
    }
    const r = JSON.parse(out) as { problems: string[]; home_control: boolean[]; transcript: string; seen: string[]; answer: { type: string } };
    expect(r.problems).toEqual([]);
    expect(r.home_control).toEqual([true]);
    expect(r.transcript).toBe('turn on the kitchen light');
    expect(r.seen).toEqual(['transcript-start', 'transcript-chunk', 'transcript-stop', 'transcript']);
    expect(r.answer.type).toBe('handled');
    await expect.poll(() => sim.getState('light.kitchen')?.state).toBe('off');
  });

  it('[WY-3.1] addresses outside wyoming.allow are refused and logged', async () => {
    const { logger: l2, lines: l2lines } = captureLogger();
    const closed = new WyomingServer({ port: 0, allow: ['10.0.0.0/8'], mdns: false, version: '0', logger: l2 });
    await closed.start();
    try {
      const c = await WyomingTestClient.connect(closed.port);
      c.send(bareEvent('describe'));
      await c.closed;
      expect(c.events).toEqual([]);
      expect(closed.stats.refused).toBe(1);
      expect(l2lines.some((x) => x['code'] === 'JARVIS_WYOMING_REFUSED' && String(x['peer']).includes('127.0.0.1'))).toBe(true);
    } finally {
      await closed.stop();
    }
  });
});
