import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageType, FrameFlag, topicFor } from '@jarvis/protocol';
import { runWearableCli } from '../src/cli-main.js';
import { encodeWav } from '../src/wav.js';
import { captureIO } from './helpers/cli-io.js';
import { startDevicePlane, tone } from './helpers/device-plane.js';
import type { DevicePlane } from './helpers/device-plane.js';

let plane: DevicePlane;
let dir: string;
let bundleFile: string;
let wavFile: string;

beforeEach(async () => {
  plane = await startDevicePlane();
  dir = mkdtempSync(join(tmpdir(), 'jarvis-sim-'));
  bundleFile = join(dir, 'bundle.json');
  wavFile = join(dir, 'speech.wav');
  writeFileSync(bundleFile, JSON.stringify(plane.bundle));
  writeFileSync(wavFile, encodeWav(tone(0.5, 16000), 16000));
});
afterEach(async () => {
  await plane.close();
  rmSync(dir, { recursive: true, force: true });
});

const statusPayloads = (): Array<{ state: string }> =>
  plane.published.filter((p) => p.topic === topicFor('0000002a', 'status')).map((p) => JSON.parse(p.payload) as { state: string });

describe('jarvis-wearable simulate', () => {
  it('streams the WAV with the given flags and prints the report as JSON', async () => {
    const io = captureIO();
    const code = await runWearableCli(
      ['simulate', '--bundle', bundleFile, '--wav', wavFile, '--fast', '--codec', 'adpcm', '--frame-ms', '10', '--loss', '20%', '--seed', '5', '--mute-at', '0.2', '--unmute-at', '0.3'],
      io,
    );
    expect(io.err()).not.toContain('JARVIS_WEARABLE');
    expect(code).toBe(0);
    const report = JSON.parse(io.out()) as { framesSent: number; framesDropped: number; codec: string; mutedRanges: unknown[] };
    expect(report).toMatchObject({ codec: 'adpcm', mutedRanges: [{ start: 3200, end: 4800 }] });
    expect(report.framesDropped).toBeGreaterThan(0);
    await plane.until(() => plane.frames.length === report.framesSent);
    expect(plane.frames.some((f) => f.type === MessageType.KEEPALIVE && f.flags & FrameFlag.MUTED)).toBe(true);
  });

  it('keeps the boot counter next to the bundle by default, or in --state [UDP-2.16]', async () => {
    for (let i = 0; i < 2; i++) expect(await runWearableCli(['simulate', '--bundle', bundleFile, '--wav', wavFile, '--fast'], captureIO())).toBe(0);
    expect(JSON.parse(readFileSync(`${bundleFile}.state.json`, 'utf8'))).toMatchObject({ boot: 2 });
    const other = join(dir, 'other-state.json');
    const io = captureIO();
    expect(await runWearableCli(['simulate', '--bundle', bundleFile, '--wav', wavFile, '--fast', '--state', other], io)).toBe(0);
    expect((JSON.parse(io.out()) as { streamId: number }).streamId).toBe(1);
    expect(JSON.parse(readFileSync(other, 'utf8'))).toMatchObject({ boot: 1 });
  });

  it('exits 1 with JARVIS_WEARABLE_BAD_STATE on a corrupt state file, sending nothing', async () => {
    writeFileSync(`${bundleFile}.state.json`, 'garbage');
    const io = captureIO();
    expect(await runWearableCli(['simulate', '--bundle', bundleFile, '--wav', wavFile, '--fast'], io)).toBe(1);
    expect(io.err()).toContain('JARVIS_WEARABLE_BAD_STATE');
    expect(plane.frames).toHaveLength(0);
  });

  it('--hub and --mqtt override the bundle addresses', async () => {
    const elsewhere = { ...plane.bundle, mqtt: { ...plane.bundle.mqtt, url: 'mqtt://127.0.0.1:1' }, hub: { ...plane.bundle.hub, udp: '127.0.0.1:1' } };
    writeFileSync(bundleFile, JSON.stringify(elsewhere));
    const io = captureIO();
    const code = await runWearableCli(['simulate', '--bundle', bundleFile, '--wav', wavFile, '--fast', '--hub', plane.bundle.hub.udp, '--mqtt', plane.bundle.mqtt.url], io);
    expect(code).toBe(0);
    expect(plane.frames.length).toBeGreaterThan(0);
  });

  it('exits 1 with JARVIS_WEARABLE_MQTT when the broker refuses the login', async () => {
    writeFileSync(bundleFile, JSON.stringify({ ...plane.bundle, mqtt: { ...plane.bundle.mqtt, password: 'nope' } }));
    const io = captureIO();
    expect(await runWearableCli(['simulate', '--bundle', bundleFile, '--wav', wavFile, '--fast'], io)).toBe(1);
    expect(io.err()).toContain('JARVIS_WEARABLE_MQTT');
  });

  const badCases: Array<[string, () => string[], string]> = [
    ['no --bundle', () => ['--wav', wavFile], '--bundle FILE is required'],
    ['no --wav', () => ['--bundle', bundleFile], '--wav FILE is required'],
    ['missing bundle file', () => ['--bundle', join(dir, 'none.json'), '--wav', wavFile], 'JARVIS_WEARABLE_BAD_BUNDLE'],
    ['bundle not JSON', () => (writeFileSync(bundleFile, '{oops'), ['--bundle', bundleFile, '--wav', wavFile]), 'not JSON'],
    ['bundle failing the schema', () => (writeFileSync(bundleFile, JSON.stringify({ ...plane.bundle, deviceId: 'XYZ' })), ['--bundle', bundleFile, '--wav', wavFile]), 'deviceId'],
    ['missing WAV', () => ['--bundle', bundleFile, '--wav', join(dir, 'none.wav')], 'JARVIS_WEARABLE_BAD_WAV'],
    ['not a WAV', () => (writeFileSync(wavFile, 'hello'), ['--bundle', bundleFile, '--wav', wavFile]), 'not a RIFF/WAVE'],
    ['unknown flag', () => ['--bundle', bundleFile, '--wav', wavFile, '--volume', '3'], "Unknown option '--volume'"],
    ['positional argument', () => ['--bundle', bundleFile, '--wav', wavFile, 'extra'], 'JARVIS_WEARABLE_BAD_OPTION'],
    ['non-numeric loss', () => ['--bundle', bundleFile, '--wav', wavFile, '--loss', 'lots'], '--loss "lots" is not a number'],
    ['loss above 100%', () => ['--bundle', bundleFile, '--wav', wavFile, '--loss', '120%'], 'loss must be a number from 0 to 1'],
    ['bad codec', () => ['--bundle', bundleFile, '--wav', wavFile, '--codec', 'mp3'], '--codec must be pcm16 or adpcm'],
    ['negative jitter', () => ['--bundle', bundleFile, '--wav', wavFile, '--jitter-ms', '-5'], 'jitter-ms'],
    ['bad mute time', () => ['--bundle', bundleFile, '--wav', wavFile, '--mute-at', 'soon'], '--mute-at "soon"'],
    ['bad push-to-talk time', () => ['--bundle', bundleFile, '--wav', wavFile, '--ptt-at', '-1'], '--ptt-at'],
    ['bad push-to-talk hold', () => ['--bundle', bundleFile, '--wav', wavFile, '--ptt-at', '0.5', '--ptt-hold', 'long'], '--ptt-hold "long"'],
    ['negative push-to-talk hold', () => ['--bundle', bundleFile, '--wav', wavFile, '--ptt-at', '0.5', '--ptt-hold', '-2'], 'ptt-hold'],
    ['--fast with --realtime', () => ['--bundle', bundleFile, '--wav', wavFile, '--fast', '--realtime'], 'exclude each other'],
    ['bad --hub', () => ['--bundle', bundleFile, '--wav', wavFile, '--hub', 'nohost'], 'HOST:PORT'],
    ['bad --mqtt', () => ['--bundle', bundleFile, '--wav', wavFile, '--mqtt', 'not a url'], 'is not a URL'],
    ['fractional seed', () => ['--bundle', bundleFile, '--wav', wavFile, '--seed', '1.5'], '--seed must be an integer'],
    ['bad --mute-signal', () => ['--bundle', bundleFile, '--wav', wavFile, '--mute-signal', 'loud'], '--mute-signal'],
  ];

  it.each(badCases)('exits 2 with a clear message on %s', async (_name, args, message) => {
    const io = captureIO();
    expect(await runWearableCli(['simulate', ...args()], io)).toBe(2);
    expect(io.err()).toContain(message);
    expect(plane.published).toHaveLength(0);
  });

  it('prints --help, and the top level lists the commands', async () => {
    const io = captureIO();
    expect(await runWearableCli(['simulate', '--help'], io)).toBe(0);
    expect(io.out()).toContain('--mute-at S');
    const top = captureIO();
    expect(await runWearableCli(['--help'], top)).toBe(0);
    expect(top.out()).toContain('simulate');
    const none = captureIO();
    expect(await runWearableCli([], none)).toBe(2);
    const unknown = captureIO();
    expect(await runWearableCli(['flash'], unknown)).toBe(2);
    expect(unknown.err()).toContain('unknown command "flash"');
  });
});

describe('jarvis-wearable simulate as a process', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

  function start(): ReturnType<typeof spawn> {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsc -b wearable-ts-bridge)`);
    return spawn(process.execPath, [cli, 'simulate', '--bundle', bundleFile, '--wav', wavFile, '--loop', '--realtime'], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  it('a killed device leaves its last will: status offline, retained', async () => {
    const child = start();
    await plane.until(() => plane.frames.length >= 3);
    expect(statusPayloads().map((s) => s.state)).toEqual(['online']);
    child.kill('SIGKILL');
    await plane.until(() => statusPayloads().length === 2);
    const will = plane.published.filter((p) => p.topic === topicFor('0000002a', 'status')).at(-1);
    expect(will).toMatchObject({ retain: true });
    expect(JSON.parse(will?.payload ?? '{}')).toEqual({ state: 'offline' });
  });

  it('SIGINT ends the stream cleanly: END frame, offline status, report, exit 0', async () => {
    const child = start();
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    await plane.until(() => plane.frames.length >= 3);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ aborted: true, deviceId: '0000002a' });
    await plane.until(() => plane.frames.some((f) => f.flags & FrameFlag.END));
    expect(statusPayloads().at(-1)).toMatchObject({ state: 'offline' });
  });
});
