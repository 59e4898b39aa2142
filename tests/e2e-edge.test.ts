/**
 * End to end: the Raspberry Pi satellite (`EdgeAgent`, file source, GPIO test double) against a real
 * hub started in the test on port 0 — speech forwarded bit-exactly, the mute switch closing both the
 * agent and the hub's gate, a hub restart healed by the agent alone, and cmd/say reaching the player.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { decodeWav, EdgeAgent, encodeWav, parseEdgeConfig, type EdgeConfigInput, type Player, type SayCommand } from '@jarvis/edge-agent';
import type { DeviceBundle } from '@jarvis/protocol';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceAudioChunk } from '../hub/src/audio/types.js';
import { startTestHub, type TestHub } from '../hub/test/helpers/test-hub.js';
import { fixtureToolsAvailable, getAudioFixture } from './fixtures/audio/index.js';

const tools = fixtureToolsAvailable();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let speech: Int16Array;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jarvis-edge-e2e-'));
  if (tools) speech = getAudioFixture('lights.en-us').samples;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A recording player: what the agent would have sent to aplay. */
class RecordingPlayer implements Player {
  readonly played: Array<{ wav: Buffer; request: SayCommand }> = [];
  async play(wav: Buffer, request: SayCommand): Promise<void> {
    this.played.push({ wav, request });
  }
}

interface Running {
  agent: EdgeAgent;
  logs: string[];
  gpioFile: string;
  player: RecordingPlayer;
}

async function startAgent(bundle: DeviceBundle, overrides: EdgeConfigInput = {}, name = 'agent'): Promise<Running> {
  const wav = join(dir, `${name}.wav`);
  writeFileSync(wav, encodeWav(speech, 16000));
  const gpioFile = join(dir, `${name}.mute`);
  writeFileSync(gpioFile, '0\n');
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }));
  const config = parseEdgeConfig({
    audio: { source: 'file', file: wav, loop: true },
    gpio: { mute: { file: gpioFile, debounceMs: 30 } },
    speech: { engine: 'espeak-ng' },
    reconnect: { initialMs: 100, maxMs: 800, jitter: 0.2 },
    mqtt: { connectTimeoutMs: 2000 },
    ...overrides,
  });
  const player = new RecordingPlayer();
  const agent = new EdgeAgent({ config, bundle, logger, player });
  cleanups.push(() => agent.stop());
  await agent.start();
  return { agent, logs, gpioFile, player };
}

async function hub(dataDir?: string, env: Record<string, string> = {}): Promise<TestHub> {
  const t = await startTestHub(env, dataDir);
  let closed = false;
  cleanups.push(async () => {
    if (!closed) await t.close();
  });
  const close = t.close.bind(t);
  t.close = async () => {
    closed = true;
    await close();
  };
  return t;
}

function collect(t: TestHub, deviceId: string): DeviceAudioChunk[] {
  const chunks: DeviceAudioChunk[] = [];
  t.hub.parts.ingest.onAudio((c) => {
    if (c.deviceId === deviceId) chunks.push(c);
  });
  return chunks;
}

const total = (chunks: DeviceAudioChunk[]): number => chunks.reduce((n, c) => n + c.samples.length, 0);

describe.skipIf(!tools)('end to end: jarvis-edge against a real hub (espeak-ng, sox)', () => {
  it('streams espeak-ng speech; the hub forwards it sample for sample and sees the retained status', async () => {
    const t = await hub();
    const bundle = t.addDevice('kitchen', 'satellite');
    const chunks = collect(t, bundle.deviceId);
    const { agent } = await startAgent(bundle, { audio: { source: 'file', file: join(dir, 'once.wav'), loop: false } }, 'once');
    await expect.poll(() => agent.state, { timeout: 5000 }).toBe('streaming');
    await expect.poll(() => total(chunks), { timeout: 10_000 }).toBe(Math.ceil(speech.length / 320) * 320);
    const streamId = agent.stats().streamer.streamId;
    // The last frame is padded with silence and carries END.
    const padded = new Int16Array(Math.ceil(speech.length / 320) * 320);
    padded.set(speech);
    let position = 0;
    for (const c of chunks) {
      expect(c.streamId).toBe(streamId);
      expect(c.timestamp).toBe(position);
      expect(c.concealed).toBe(0);
      expect(c.samples).toEqual(padded.subarray(c.timestamp, c.timestamp + c.samples.length));
      position += c.samples.length;
    }
    expect(chunks.some((c) => c.samples.some((s) => Math.abs(s) > 1000))).toBe(true);
    const state = t.hub.parts.mqtt.stateOf(bundle.deviceId);
    expect(state.online).toBe(true);
    expect(state.status).toMatchObject({ state: 'online', kind: 'satellite', firmware: 'jarvis-edge/0.1.0', streamId });
    expect(t.hub.parts.ingest.statsFor(bundle.deviceId)?.datagrams.bad_tag).toBe(0);
  }, 30_000);

  it('a GPIO mute from the test double (with contact bounce) stops the audio at the agent and at the hub gate', async () => {
    const t = await hub();
    const bundle = t.addDevice('living-room', 'satellite');
    const chunks = collect(t, bundle.deviceId);
    const { agent, gpioFile } = await startAgent(bundle, {}, 'mute');
    await expect.poll(() => total(chunks), { timeout: 8000 }).toBeGreaterThan(16000);
    // A bouncing contact: three edges within a few ms give one debounced change.
    appendFileSync(gpioFile, '1\n0\n1\n');
    await expect.poll(() => t.hub.parts.gate.isMuted(bundle.deviceId), { timeout: 3000 }).toBe(true);
    await expect.poll(() => t.hub.parts.gate.inputs(bundle.deviceId), { timeout: 3000 }).toEqual({ mqtt: true, frame: true });
    expect(agent.state).toBe('muted');
    const atMute = total(chunks);
    await new Promise((r) => setTimeout(r, 1500));
    expect(total(chunks)).toBe(atMute);
    const s = agent.stats();
    expect(s.streamer.audioFramesWhileMuted).toBe(0);
    expect(s.streamer.mutedKeepalives).toBeGreaterThanOrEqual(2);
    expect(s.streamer.samplesDroppedMuted).toBeGreaterThan(16000);
    expect(t.hub.parts.mqtt.stateOf(bundle.deviceId).muted).toBe(true);
    expect(t.hub.parts.ingest.statsFor(bundle.deviceId)?.datagrams.muted).toBeGreaterThanOrEqual(2);

    appendFileSync(gpioFile, '0\n');
    await expect.poll(() => t.hub.parts.gate.isMuted(bundle.deviceId), { timeout: 3000 }).toBe(false);
    await expect.poll(() => total(chunks), { timeout: 5000 }).toBeGreaterThan(atMute + 8000);
    expect(agent.machine.transitions.map((x) => x.to).filter((x) => x === 'muted' || x === 'streaming')).toEqual(['streaming', 'muted', 'streaming']);
    expect(t.hub.parts.devices.muteAudit(bundle.deviceId).map((a) => a.muted)).toEqual([true, false]);
  }, 30_000);

  it('the hub is stopped and started again: the agent reconnects by itself and streams a new stream', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jarvis-edge-hub-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await hub(dataDir);
    const bundle = first.addDevice('hall', 'satellite');
    const before = collect(first, bundle.deviceId);
    const { agent, logs } = await startAgent(bundle, {}, 'restart');
    await expect.poll(() => total(before), { timeout: 8000 }).toBeGreaterThan(8000);
    const firstStream = agent.stats().streamer.streamId;
    const ports = first.hub.ports;
    await first.close();
    await expect.poll(() => agent.state, { timeout: 5000 }).toMatch(/^(reconnecting|connecting)$/);
    // Let a few attempts fail against the dead port, so the backoff loop is exercised.
    await expect.poll(() => agent.machine.transitions.filter((x) => x.to === 'reconnecting').length, { timeout: 8000 }).toBeGreaterThanOrEqual(2);
    const second = await hub(dataDir, { JARVIS_HTTP_PORT: String(ports.http), JARVIS_UDP_PORT: String(ports.udp), JARVIS_MQTT_PORT: String(ports.mqtt) });
    const after = collect(second, bundle.deviceId);
    await expect.poll(() => agent.state, { timeout: 10_000 }).toBe('streaming');
    await expect.poll(() => total(after), { timeout: 8000 }).toBeGreaterThan(8000);
    const secondStream = agent.stats().streamer.streamId;
    expect(secondStream).not.toBe(firstStream);
    expect(after.every((c) => c.streamId === secondStream)).toBe(true);
    expect(agent.stats().connects).toBe(2);
    expect(second.hub.parts.mqtt.stateOf(bundle.deviceId).status?.streamId).toBe(secondStream);
    // One log line per transition, with from/to and the reason.
    const lines = logs.map((l) => JSON.parse(l) as { facility?: string; from?: string; to?: string; msg: string }).filter((l) => l.facility === 'edge:state');
    expect(lines.length).toBe(agent.machine.transitions.length);
    expect(lines.some((l) => l.from === 'streaming' && l.to === 'reconnecting')).toBe(true);
  }, 45_000);

  it('cmd/say is spoken with espeak-ng and handed to the player once per id; cmd/led and cmd/config apply', async () => {
    const t = await hub();
    const bundle = t.addDevice('office', 'satellite');
    const chunks = collect(t, bundle.deviceId);
    const { agent, player, logs } = await startAgent(bundle, {}, 'say');
    await expect.poll(() => agent.state, { timeout: 5000 }).toBe('streaming');
    await t.hub.parts.mqtt.sendCommand(bundle.deviceId, 'cmd/say', { text: 'The kitchen lights are on.', id: 'reply-1', volume: 0.5 });
    await t.hub.parts.mqtt.sendCommand(bundle.deviceId, 'cmd/say', { text: 'The kitchen lights are on.', id: 'reply-1', volume: 0.5 });
    await expect.poll(() => player.played.length, { timeout: 10_000 }).toBe(1);
    const { wav, request } = player.played[0] as { wav: Buffer; request: SayCommand };
    expect(request).toEqual({ text: 'The kitchen lights are on.', id: 'reply-1', volume: 0.5 });
    const spoken = decodeWav(wav, 'spoken', true);
    expect(spoken.samples.length / spoken.sampleRate).toBeGreaterThan(0.8);
    let peak = 0;
    for (const v of spoken.samples) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(1000);
    expect(peak).toBeLessThanOrEqual(16384 + 1);

    await t.hub.parts.mqtt.sendCommand(bundle.deviceId, 'cmd/led', { pattern: 'pulse', color: '#00ff00' });
    await expect.poll(() => agent.ledPattern, { timeout: 3000 }).toEqual({ pattern: 'pulse', color: '#00ff00' });
    const beforeSwitch = total(chunks);
    await t.hub.parts.mqtt.sendCommand(bundle.deviceId, 'cmd/config', { codec: 'adpcm', frameMs: 40 });
    await expect.poll(() => total(chunks), { timeout: 5000 }).toBeGreaterThan(beforeSwitch + 16000);
    expect(logs.some((l) => l.includes('cmd/config applied') && l.includes('"codec":"adpcm"'))).toBe(true);
    expect(t.hub.parts.ingest.statsFor(bundle.deviceId)?.datagrams.malformed).toBe(0);
    expect(agent.stats().commandsRejected).toBe(0);
  }, 30_000);
});
