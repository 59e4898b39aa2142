import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DeviceBundle } from '@jarvis/protocol';
import type { CliIO, WearableCommand } from './cli-types.js';
import { WearableError } from './errors.js';
import { simulateWearable } from './simulator.js';
import type { MuteSignal, SimulateWearableOptions } from './simulator.js';
import { readWav } from './wav.js';

const help = `Usage: jarvis-wearable simulate --bundle FILE --wav FILE [flags]

Streams a WAV file to the hub like a wearable: MQTT login with the bundle's credentials, retained
status (last will: offline) and mute state, signed UDP audio frames whose stream id is the device's
boot counter: advanced and saved in the state file before the first frame (SPEC [UDP-2.16]).
Prints the run's report as one JSON line on stdout; progress goes to stderr.

  --bundle FILE        provisioning bundle from \`jarvis device add --json\` (required)
  --wav FILE           16-bit PCM WAV, mono or multi-channel (mixed down), 8-48 kHz (required)
  --codec C            pcm16 (default) or adpcm
  --frame-ms N         frame duration in ms (default 20)
  --loss P             probability a datagram is lost, 0-1 or a percentage like 10% (default 0)
  --reorder P          probability a datagram is held back behind its successor (default 0)
  --duplicate P        probability a datagram is sent twice (default 0)
  --jitter-ms N        extra random delay per datagram, 0..N ms (default 0)
  --mute-at S          stream second at which the mute switch goes on (repeatable)
  --unmute-at S        stream second at which it goes off again (repeatable)
  --ptt-at S           stream second at which the push-to-talk button is pressed (repeatable): the press
                       goes out as event/button on the device's own MQTT login, as the real button's does
  --mute-signal M      both (default: MQTT state and frame flag, like the real switch), mqtt or flag
  --realtime           pace frames at capture speed (default)
  --fast               send as fast as the socket allows
  --speed X            pace at X times real time
  --loop               repeat the WAV until interrupted (Ctrl-C ends the stream cleanly)
  --hub HOST:PORT      hub UDP address, overriding the bundle
  --mqtt URL           broker URL, overriding the bundle
  --seed N             seed of the loss/reorder/duplicate/jitter generator (default 1)
  --state FILE         boot counter state (default: the bundle's path + .state.json); a new key in
                       the bundle restarts the counter, a lost file needs \`jarvis device rotate-key\`
  --help               show this text

Exit codes: 0 done, 1 the broker or network failed or the boot counter cannot be kept, 2 bad flags,
bundle or WAV.
`;

const options = {
  bundle: { type: 'string' },
  wav: { type: 'string' },
  codec: { type: 'string' },
  'frame-ms': { type: 'string' },
  loss: { type: 'string' },
  reorder: { type: 'string' },
  duplicate: { type: 'string' },
  'jitter-ms': { type: 'string' },
  'mute-at': { type: 'string', multiple: true },
  'unmute-at': { type: 'string', multiple: true },
  'ptt-at': { type: 'string', multiple: true },
  'mute-signal': { type: 'string' },
  realtime: { type: 'boolean' },
  fast: { type: 'boolean' },
  speed: { type: 'string' },
  loop: { type: 'boolean' },
  hub: { type: 'string' },
  mqtt: { type: 'string' },
  seed: { type: 'string' },
  state: { type: 'string' },
  help: { type: 'boolean' },
} as const;

function usage(message: string): never {
  throw new WearableError('JARVIS_WEARABLE_BAD_OPTION', message);
}

/** A plain decimal number; parseFloat would accept "1x", Number would accept "" and "0x10". */
function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text.trim())) usage(`--${flag} "${text}" is not a number`);
  return Number(text);
}

function fraction(flag: string, text: string | undefined): number | undefined {
  if (text?.trim().endsWith('%')) {
    const pct = number(flag, text.trim().slice(0, -1));
    return pct === undefined ? undefined : pct / 100;
  }
  return number(flag, text);
}

/** Reads and checks a bundle file; every failure is JARVIS_WEARABLE_BAD_BUNDLE naming the file. */
export async function readBundle(path: string): Promise<DeviceBundle> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new WearableError('JARVIS_WEARABLE_BAD_BUNDLE', `${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text) as DeviceBundle; // shape is checked by simulateWearable with deviceBundleSchema
  } catch (err) {
    throw new WearableError('JARVIS_WEARABLE_BAD_BUNDLE', `${path}: not JSON: ${(err as Error).message}`);
  }
}

/** `jarvis-wearable simulate`: a simulated wearable streaming a WAV file to the hub. */
export const simulateCommand: WearableCommand = {
  name: 'simulate',
  summary: 'stream a WAV file to the hub like a wearable (MQTT + signed UDP, with impairments)',
  help,
  async run(argv: string[], io: CliIO): Promise<number> {
    try {
      let values;
      try {
        ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
      } catch (err) {
        usage((err as Error).message);
      }
      if (values.help) {
        io.stdout.write(help);
        return 0;
      }
      if (!values.bundle) usage('--bundle FILE is required');
      if (!values.wav) usage('--wav FILE is required');
      const modes = [values.realtime, values.fast, values.speed !== undefined].filter(Boolean).length;
      if (modes > 1) usage('--realtime, --fast and --speed exclude each other');
      const codec = values.codec ?? 'pcm16';
      if (codec !== 'pcm16' && codec !== 'adpcm') usage(`--codec must be pcm16 or adpcm, got "${codec}"`);
      const muteSignal = values['mute-signal'] ?? 'both';
      if (!['both', 'mqtt', 'flag'].includes(muteSignal)) usage(`--mute-signal must be both, mqtt or flag, got "${muteSignal}"`);
      const seed = number('seed', values.seed);
      if (seed !== undefined && !Number.isInteger(seed)) usage(`--seed must be an integer, got "${values.seed}"`);

      const opts: SimulateWearableOptions = {
        bundle: await readBundle(values.bundle),
        audio: await readWav(values.wav),
        codec,
        frameMs: number('frame-ms', values['frame-ms']),
        loss: fraction('loss', values.loss),
        reorder: fraction('reorder', values.reorder),
        duplicate: fraction('duplicate', values.duplicate),
        jitterMs: number('jitter-ms', values['jitter-ms']),
        muteAt: (values['mute-at'] ?? []).map((s) => number('mute-at', s) as number),
        unmuteAt: (values['unmute-at'] ?? []).map((s) => number('unmute-at', s) as number),
        pttAt: (values['ptt-at'] ?? []).map((s) => number('ptt-at', s) as number),
        muteSignal: muteSignal as MuteSignal,
        speed: values.fast ? Infinity : (number('speed', values.speed) ?? 1),
        loop: values.loop ?? false,
        hub: values.hub,
        mqtt: values.mqtt,
        seed,
        statePath: values.state ?? `${values.bundle}.state.json`,
        signal: io.signal,
        log: (line) => io.stderr.write(`${line}\n`),
      };
      const report = await simulateWearable(opts);
      io.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof WearableError)) throw err;
      io.stderr.write(`jarvis-wearable simulate: ${err.code}: ${err.message}\n`);
      if (err.code === 'JARVIS_WEARABLE_BAD_OPTION') io.stderr.write(`Run \`jarvis-wearable simulate --help\` for the flags.\n`);
      return err.code === 'JARVIS_WEARABLE_MQTT' || err.code === 'JARVIS_WEARABLE_UDP' || err.code === 'JARVIS_WEARABLE_BAD_STATE' ? 1 : 2;
    }
  },
};
