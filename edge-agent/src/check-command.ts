/** `jarvis-edge check`: tests the microphone, the hub's reachability and the credentials, and prints what it found. */
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { parseHostPort } from './bundle.js';
import { decodeWav } from './capture/wav.js';
import { parseFlags, reportError } from './cli-shared.js';
import { EXIT, type EdgeCliIO, type EdgeCommand } from './cli-types.js';
import type { EdgeConfig } from './config.js';
import { readCpuTempC, readWifiRssi } from './control/health.js';
import { connectMqtt } from './control/mqtt-connect.js';
import { chooseSynthesizer } from './control/speaker.js';
import { EdgeError, isEdgeError } from './errors.js';
import { findExecutable } from './executables.js';
import { FileGpioInput, LibgpiodInput, type GpioInput } from './gpio/inputs.js';
import { silentEdgeLogger } from './logger.js';
import { loadFromFlags } from './run-command.js';

const help = `Usage: jarvis-edge check --bundle FILE [--config FILE] [flags]

Checks everything the agent needs and prints one line per check (ok, warn or FAIL):
the bundle and config, the microphone (records one second with arecord and reports its level, or
reads the WAV of --source file), the hub's UDP address, an MQTT login with the bundle's credentials,
the hub's HTTP health endpoint, the GPIO lines, the speech engine and player, CPU temperature and
Wi-Fi signal.

  --bundle FILE     provisioning bundle (required)
  --config FILE     YAML settings
  --source S        arecord, file or stdin (overrides the config)
  --file WAV        WAV for --source file
  --device DEV      ALSA capture device
  --timeout-ms N    per network check (default 5000)
  --json            print one JSON object instead of lines
  --help            show this text

Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 bad flags, config or bundle.
`;

const options = {
  bundle: { type: 'string' },
  config: { type: 'string' },
  source: { type: 'string' },
  file: { type: 'string' },
  device: { type: 'string' },
  'timeout-ms': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** The result of one check. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  code?: string;
}

function levels(samples: Int16Array): string {
  let peak = 0;
  let sum = 0;
  for (const s of samples) {
    const a = Math.abs(s);
    if (a > peak) peak = a;
    sum += s * s;
  }
  const db = (x: number): string => (x <= 0 ? '-inf' : (20 * Math.log10(x / 32768)).toFixed(1));
  return `peak ${db(peak)} dBFS, rms ${db(Math.sqrt(sum / Math.max(1, samples.length)))} dBFS`;
}

async function checkMicrophone(config: EdgeConfig, timeoutMs: number): Promise<CheckResult> {
  const a = config.audio;
  if (a.source === 'stdin') return { name: 'microphone', status: 'warn', detail: 'source is stdin: nothing to test before audio arrives' };
  if (a.source === 'file') {
    const file = a.file as string;
    const wav = decodeWav(await readFile(file).catch((err: unknown) => {
      throw new EdgeError('JARVIS_EDGE_BAD_WAV', `cannot read ${file}: ${(err as Error).message}`);
    }), `audio file ${file}`);
    return { name: 'microphone', status: 'ok', detail: `file ${file}: ${wav.sampleRate} Hz, ${(wav.samples.length / wav.sampleRate).toFixed(2)} s, ${levels(wav.samples)}` };
  }
  const program = findExecutable(a.arecordPath);
  if (!program) return { name: 'microphone', status: 'fail', code: 'JARVIS_EDGE_NO_ARECORD', detail: `"${a.arecordPath}" is not installed (Debian package alsa-utils)` };
  const args = ['-q', '-D', a.device, '-f', 'S16_LE', '-r', String(a.sampleRate), '-c', String(a.channels), '-t', 'raw', '-d', '1'];
  const result = await new Promise<{ code: number | null; out: Buffer; err: string }>((resolve) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 1000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', (e) => (err += e.message));
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: Buffer.concat(out), err });
    });
  });
  const bytes = result.out;
  const frames = Math.floor(bytes.length / (2 * a.channels));
  if (result.code !== 0 || frames === 0) {
    return { name: 'microphone', status: 'fail', code: 'JARVIS_EDGE_CAPTURE', detail: `arecord -D ${a.device} failed (exit ${String(result.code)}): ${result.err.trim() || 'no audio'}` };
  }
  const mono = new Int16Array(frames);
  for (let i = 0; i < frames; i++) mono[i] = bytes.readInt16LE(i * 2 * a.channels);
  return { name: 'microphone', status: 'ok', detail: `${a.device}: ${frames} samples in 1 s at ${a.sampleRate} Hz, ${levels(mono)}` };
}

async function checkGpio(config: EdgeConfig): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const g = config.gpio;
  for (const role of ['mute', 'ptt'] as const) {
    const line = g[role];
    if (!line) {
      out.push({ name: `gpio ${role}`, status: 'warn', detail: 'not configured' });
      continue;
    }
    const logger = silentEdgeLogger();
    const input: GpioInput = line.file !== undefined
      ? new FileGpioInput({ file: line.file, activeLow: line.activeLow, logger })
      : new LibgpiodInput({ chip: g.chip, line: line.line as number, activeLow: line.activeLow, bias: line.bias, gpiomonPath: g.gpiomonPath, gpiogetPath: g.gpiogetPath, logger });
    try {
      const level = await input.start(() => undefined);
      out.push({ name: `gpio ${role}`, status: 'ok', detail: `${input.name} reads ${level} (${role === 'mute' ? (level ? 'muted' : 'not muted') : level ? 'held' : 'released'})` });
    } catch (err) {
      out.push({ name: `gpio ${role}`, status: 'fail', code: isEdgeError(err) ? err.code : 'JARVIS_EDGE_GPIO', detail: (err as Error).message });
    } finally {
      await input.stop();
    }
  }
  return out;
}

/** Runs every check; never throws for a failed check, only for a bad bundle or config. */
export async function runChecks(values: Parameters<typeof loadFromFlags>[0], timeoutMs: number): Promise<CheckResult[]> {
  const { bundle, config } = loadFromFlags(values);
  const results: CheckResult[] = [
    { name: 'bundle', status: 'ok', detail: `device ${bundle.deviceId} "${bundle.name}" (${bundle.kind}, ${bundle.area})` },
    { name: 'config', status: 'ok', detail: `source ${config.audio.source}, ${config.audio.codec} ${config.audio.frameMs} ms frames` },
  ];
  const attempt = async (name: string, fn: () => Promise<string>, code: string): Promise<void> => {
    try {
      results.push({ name, status: 'ok', detail: await fn() });
    } catch (err) {
      results.push({ name, status: 'fail', code: isEdgeError(err) ? err.code : code, detail: (err as Error).message });
    }
  };
  try {
    results.push(await checkMicrophone(config, timeoutMs));
  } catch (err) {
    results.push({ name: 'microphone', status: 'fail', code: isEdgeError(err) ? err.code : 'JARVIS_EDGE_CAPTURE', detail: (err as Error).message });
  }
  await attempt('hub udp', async () => {
    const { host, port } = parseHostPort(bundle.hub.udp);
    const resolved = await lookup(host).catch((err: unknown) => {
      throw new EdgeError('JARVIS_EDGE_UDP', `cannot resolve ${host}: ${(err as Error).message}`);
    });
    return `${bundle.hub.udp} resolves to ${resolved.address}:${port}`;
  }, 'JARVIS_EDGE_UDP');
  await attempt('mqtt login', async () => {
    const started = Date.now();
    const client = await connectMqtt({ bundle, connectTimeoutMs: timeoutMs, keepaliveS: 30, probe: true });
    await client.endAsync();
    return `${bundle.mqtt.url} accepted ${bundle.mqtt.username} in ${Date.now() - started} ms`;
  }, 'JARVIS_EDGE_MQTT_UNREACHABLE');
  await attempt('hub http', async () => {
    const url = new URL('/healthz', bundle.hub.http).toString();
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).catch((err: unknown) => {
      throw new EdgeError('JARVIS_EDGE_MQTT_UNREACHABLE', `${url}: ${(err as Error).message}`);
    });
    if (!res.ok) throw new EdgeError('JARVIS_EDGE_MQTT_UNREACHABLE', `${url} answered HTTP ${res.status}`);
    return `${url} answered ${res.status}`;
  }, 'JARVIS_EDGE_MQTT_UNREACHABLE');
  results.push(...(await checkGpio(config)));
  const synth = chooseSynthesizer(config.speech);
  results.push(synth
    ? { name: 'speech', status: 'ok', detail: `engine ${synth.name}` }
    : { name: 'speech', status: 'warn', code: 'JARVIS_EDGE_SAY', detail: `no engine for "${config.speech.engine}" (install espeak-ng, or piper with speech.piperModel): cmd/say will be dropped` });
  const player = findExecutable(config.speech.playerPath);
  results.push(player
    ? { name: 'player', status: 'ok', detail: `${player} on ${config.speech.playbackDevice}` }
    : { name: 'player', status: 'warn', code: 'JARVIS_EDGE_SAY', detail: `"${config.speech.playerPath}" is not installed (Debian package alsa-utils): cmd/say cannot be heard` });
  const [temp, rssi] = await Promise.all([readCpuTempC(config.health.thermalFile), readWifiRssi(config.health.wirelessFile)]);
  results.push({ name: 'health', status: 'ok', detail: `cpu ${temp === undefined ? 'temperature unavailable' : `${temp} °C`}, wifi ${rssi === undefined ? 'not present' : `${rssi} dBm`}` });
  return results;
}

/** The `check` command. */
export const checkCommand: EdgeCommand = {
  name: 'check',
  summary: 'test the microphone, the hub and the credentials, and print what was found',
  help,
  async run(argv: string[], io: EdgeCliIO): Promise<number> {
    try {
      const values = parseFlags(argv, options);
      if (values.help) {
        io.stdout.write(help);
        return EXIT.OK;
      }
      const timeoutText = values['timeout-ms'] ?? '5000';
      if (!/^\d+$/.test(timeoutText) || Number(timeoutText) < 100) throw new EdgeError('JARVIS_EDGE_BAD_OPTION', `--timeout-ms "${timeoutText}" is not a whole number of ms >= 100`);
      const results = await runChecks(values, Number(timeoutText));
      const failed = results.some((r) => r.status === 'fail');
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ ok: !failed, checks: results })}\n`);
      } else {
        for (const r of results) io.stdout.write(`${(r.status === 'fail' ? 'FAIL' : r.status).padEnd(5)} ${r.name}: ${r.detail}${r.code && r.status !== 'ok' ? ` [${r.code}]` : ''}\n`);
        io.stdout.write(failed ? 'Some checks failed.\n' : 'All checks passed.\n');
      }
      return failed ? EXIT.FAILED : EXIT.OK;
    } catch (err) {
      return reportError(err, io, help);
    }
  },
};
