/**
 * The agent's settings: one zod schema, filled with defaults, read from a YAML file and overridden by
 * command-line flags; every problem is reported at once as `path: message` lines (CONVENTIONS.md 6).
 */
import { readFileSync } from 'node:fs';
import { AUDIO_MAX_PAYLOAD_BYTES, SAMPLE_RATES } from '@jarvis/protocol';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EdgeError } from './errors.js';

const gpioLineSchema = z
  .object({
    /** Line offset on `gpio.chip`, read through libgpiod's gpiomon/gpioget. */
    line: z.number().int().min(0).max(1023).optional(),
    /** Test double instead of hardware: a file of gpiomon-style lines (`0`/`1`), tailed for new values. */
    file: z.string().min(1).optional(),
    /** The line reads 0 when the switch is on (a switch to ground with a pull-up). */
    activeLow: z.boolean().default(false),
    bias: z.enum(['as-is', 'disable', 'pull-up', 'pull-down']).default('as-is'),
    /** A level must hold this long before it counts; contacts bounce for a few ms. */
    debounceMs: z.number().int().min(0).max(1000).default(30),
  })
  .strict()
  .refine((l) => (l.line === undefined) !== (l.file === undefined), { message: 'set exactly one of line (hardware) or file (test double)' });

/** The YAML config of `jarvis-edge run` (all fields optional; defaults fit a Pi with a USB microphone). */
export const edgeConfigSchema = z
  .object({
    audio: z
      .object({
        /** `arecord` (ALSA), `file` (a WAV, for tests and demos) or `stdin` (raw PCM16LE mono at `sampleRate`). */
        source: z.enum(['arecord', 'file', 'stdin']).default('arecord'),
        /** ALSA capture device, as for `arecord -D`. */
        device: z.string().min(1).default('default'),
        sampleRate: z
          .number()
          .int()
          .refine((r) => (SAMPLE_RATES as readonly number[]).includes(r), { message: `must be one of ${SAMPLE_RATES.join(', ')}` })
          .default(16000),
        /** Captured channels; more than one is mixed down to mono (ReSpeaker HATs capture 2 or 4). */
        channels: z.number().int().min(1).max(8).default(1),
        /** WAV file of the `file` source. */
        file: z.string().min(1).optional(),
        /** Repeat the file until stopped. */
        loop: z.boolean().default(false),
        codec: z.enum(['pcm16', 'adpcm']).default('pcm16'),
        frameMs: z.union([z.literal(10), z.literal(20), z.literal(40)]).default(20),
        /** The arecord program (a path, or a name looked up on PATH). */
        arecordPath: z.string().min(1).default('arecord'),
      })
      .strict()
      .prefault({}),
    gpio: z
      .object({
        /** libgpiod chip name or number, as for `gpiomon CHIP`. */
        chip: z.string().min(1).default('gpiochip0'),
        gpiomonPath: z.string().min(1).default('gpiomon'),
        gpiogetPath: z.string().min(1).default('gpioget'),
        /** The mute switch: logical 1 means muted. */
        mute: gpioLineSchema.optional(),
        /** The push-to-talk button: logical 1 means held. */
        ptt: gpioLineSchema.optional(),
      })
      .strict()
      .prefault({}),
    speech: z
      .object({
        /** `auto` uses piper when a model is configured and installed, else espeak-ng; `none` ignores cmd/say. */
        engine: z.enum(['auto', 'espeak-ng', 'piper', 'none']).default('auto'),
        voice: z.string().min(1).default('en-us'),
        /** Piper voice model (`.onnx`). */
        piperModel: z.string().min(1).optional(),
        espeakPath: z.string().min(1).default('espeak-ng'),
        piperPath: z.string().min(1).default('piper'),
        /** The player reading a WAV on stdin. */
        playerPath: z.string().min(1).default('aplay'),
        /** ALSA playback device, as for `aplay -D`. */
        playbackDevice: z.string().min(1).default('default'),
        /** Default volume 0-1 (cmd/config `volume` and cmd/say `volume` override it). */
        volume: z.number().min(0).max(1).default(1),
      })
      .strict()
      .prefault({}),
    health: z
      .object({
        /** How often the retained status is refreshed with temperature and signal (SPEC [MQTT-6.4]: at most 60 s). */
        intervalS: z.number().int().min(1).max(60).default(30),
        thermalFile: z.string().min(1).default('/sys/class/thermal/thermal_zone0/temp'),
        wirelessFile: z.string().min(1).default('/proc/net/wireless'),
      })
      .strict()
      .prefault({}),
    reconnect: z
      .object({
        initialMs: z.number().int().min(10).max(60_000).default(500),
        maxMs: z.number().int().min(10).max(600_000).default(30_000),
        /** Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter], so satellites do not reconnect in lockstep. */
        jitter: z.number().min(0).max(1).default(0.2),
      })
      .strict()
      .prefault({}),
    mqtt: z
      .object({
        connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        keepaliveS: z.number().int().min(1).max(600).default(30),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Where the boot counter is kept (SPEC [UDP-2.16]); default systemd's $STATE_DIRECTORY, else ~/.local/state/jarvis-edge. */
    stateDir: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.audio.source === 'file' && c.audio.file === undefined) {
      ctx.addIssue({ code: 'custom', path: ['audio', 'file'], message: 'is required when audio.source is file' });
    }
    const issue = frameProblem(c.audio.sampleRate, c.audio.frameMs, c.audio.codec);
    if (issue) ctx.addIssue({ code: 'custom', path: ['audio', 'frameMs'], message: issue });
    if (c.reconnect.maxMs < c.reconnect.initialMs) {
      ctx.addIssue({ code: 'custom', path: ['reconnect', 'maxMs'], message: `must be at least reconnect.initialMs (${c.reconnect.initialMs})` });
    }
  });

/** Validated agent settings. */
export type EdgeConfig = z.infer<typeof edgeConfigSchema>;
/** What a YAML file may hold before defaults. */
export type EdgeConfigInput = z.input<typeof edgeConfigSchema>;

/** Why a frame of `frameMs` at `rate` cannot be sent with `codec`, or undefined when it can. */
export function frameProblem(rate: number, frameMs: number, codec: 'pcm16' | 'adpcm'): string | undefined {
  const samples = (rate * frameMs) / 1000;
  if (!Number.isInteger(samples)) return `${frameMs} ms at ${rate} Hz is not a whole number of samples`;
  if (codec === 'adpcm' && samples % 2 !== 0) return `IMA-ADPCM needs an even number of samples per frame; ${frameMs} ms at ${rate} Hz is ${samples}`;
  const bytes = codec === 'adpcm' ? 4 + samples / 2 : samples * 2;
  if (bytes > AUDIO_MAX_PAYLOAD_BYTES) {
    return `a ${frameMs} ms ${codec} frame at ${rate} Hz is ${bytes} bytes, over the ${AUDIO_MAX_PAYLOAD_BYTES}-byte maximum payload: use a shorter frame or adpcm`;
  }
  return undefined;
}

function describe(error: z.ZodError, where: string): string {
  const lines = error.issues.map((i) => `  ${i.path.length > 0 ? i.path.map(String).join('.') : '(config)'}: ${i.message}`);
  return `invalid config${where}:\n${lines.join('\n')}`;
}

/** Applies defaults and checks a config object; throws `JARVIS_EDGE_BAD_CONFIG` listing every problem. */
export function parseEdgeConfig(value: unknown, where = ''): EdgeConfig {
  const result = edgeConfigSchema.safeParse(value ?? {});
  if (!result.success) throw new EdgeError('JARVIS_EDGE_BAD_CONFIG', describe(result.error, where));
  return result.data;
}

/** Reads a YAML config file (the raw object, before defaults); a missing file or bad YAML is `JARVIS_EDGE_BAD_CONFIG`. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EdgeError('JARVIS_EDGE_BAD_CONFIG', `cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new EdgeError('JARVIS_EDGE_BAD_CONFIG', `config file ${file} is not YAML: ${(err as Error).message}`, { cause: err });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new EdgeError('JARVIS_EDGE_BAD_CONFIG', `config file ${file} must hold a mapping of settings, not ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** Overrides from flags, as dotted paths (`audio.source`) to values. */
export type ConfigOverrides = Record<string, unknown>;

/** Loads the YAML file (if any), applies flag overrides on top and validates the result. */
export function loadEdgeConfig(file: string | undefined, overrides: ConfigOverrides = {}): EdgeConfig {
  const raw = file === undefined ? {} : readConfigFile(file);
  for (const [path, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const keys = path.split('.');
    let node: Record<string, unknown> = raw;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = value;
  }
  return parseEdgeConfig(raw, file === undefined ? '' : ` in ${file}`);
}
