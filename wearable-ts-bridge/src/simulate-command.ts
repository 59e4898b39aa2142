import { readFile } from 'node:fs/promises';
import type { DeviceBundle } from '@jarvis/protocol';
import { badOption, parseFlags, runWithCodes } from './cli-flags.js';
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
                       goes out as event/button on the device's own MQTT login, as the real button's does,
                       and the audio frames carry the PTT flag while the button is down
  --ptt-hold S         seconds the button stays down after each press (default 0.2, a tap)
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

const flagSpec = {
  bundle: { kind: 'string', required: true, placeholder: 'FILE' },
  wav: { kind: 'string', required: true, placeholder: 'FILE' },
  codec: { kind: 'string', choices: ['pcm16', 'adpcm'] },
  'frame-ms': { kind: 'number' },
  loss: { kind: 'fraction' },
  reorder: { kind: 'fraction' },
  duplicate: { kind: 'fraction' },
  'jitter-ms': { kind: 'number' },
  'mute-at': { kind: 'number', multiple: true },
  'unmute-at': { kind: 'number', multiple: true },
  'ptt-at': { kind: 'number', multiple: true },
  'ptt-hold': { kind: 'number' },
  'mute-signal': { kind: 'string', choices: ['both', 'mqtt', 'flag'] },
  realtime: { kind: 'boolean' },
  fast: { kind: 'boolean' },
  speed: { kind: 'number' },
  loop: { kind: 'boolean' },
  hub: { kind: 'string' },
  mqtt: { kind: 'string' },
  seed: { kind: 'integer' },
  state: { kind: 'string' },
} as const;

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
    const failedAtRun = (code: string): number => (code === 'JARVIS_WEARABLE_MQTT' || code === 'JARVIS_WEARABLE_UDP' || code === 'JARVIS_WEARABLE_BAD_STATE' ? 1 : 2);
    return runWithCodes('simulate', io, failedAtRun, async () => {
      const parsed = parseFlags(argv, flagSpec);
      if (parsed.help) {
        io.stdout.write(help);
        return 0;
      }
      const f = parsed.flags;
      const modes = [f.realtime, f.fast, f.speed !== undefined].filter(Boolean).length;
      if (modes > 1) badOption('--realtime, --fast and --speed exclude each other');
      const opts: SimulateWearableOptions = {
        bundle: await readBundle(f.bundle),
        audio: await readWav(f.wav),
        codec: (f.codec ?? 'pcm16') as 'pcm16' | 'adpcm',
        frameMs: f['frame-ms'],
        loss: f.loss,
        reorder: f.reorder,
        duplicate: f.duplicate,
        jitterMs: f['jitter-ms'],
        muteAt: f['mute-at'],
        unmuteAt: f['unmute-at'],
        pttAt: f['ptt-at'],
        pttHoldS: f['ptt-hold'],
        muteSignal: (f['mute-signal'] ?? 'both') as MuteSignal,
        speed: f.fast ? Infinity : (f.speed ?? 1),
        loop: f.loop ?? false,
        hub: f.hub,
        mqtt: f.mqtt,
        seed: f.seed,
        statePath: f.state ?? `${f.bundle}.state.json`,
        signal: io.signal,
        log: (line) => io.stderr.write(`${line}\n`),
      };
      const report = await simulateWearable(opts);
      io.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    });
  },
};
