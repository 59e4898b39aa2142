/**
 * The one flag parser of jarvis-wearable (src/cli-flags.ts), alone and through every sub-command:
 * unknown flag, missing value, bad number / integer / fraction / choice, required flag, positional
 * argument and --help, each a JARVIS_WEARABLE_BAD_OPTION naming the flag (exit 2), never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { parseFlags, readFlagValue } from '../src/cli-flags.js';
import type { FlagSpec } from '../src/cli-flags.js';
import { runWearableCli } from '../src/cli-main.js';
import { WearableError } from '../src/errors.js';
import { captureIO } from './helpers/cli-io.js';

const spec = {
  file: { kind: 'string', required: true, placeholder: 'FILE' },
  codec: { kind: 'string', choices: ['pcm16', 'adpcm'] },
  ms: { kind: 'number', min: 0, max: 100 },
  seed: { kind: 'integer' },
  loss: { kind: 'fraction' },
  at: { kind: 'number', multiple: true },
  fast: { kind: 'boolean' },
} as const;

/** The message of the JARVIS_WEARABLE_BAD_OPTION parseFlags throws (fails if it throws anything else, or nothing). */
function refusal(argv: string[]): string {
  try {
    parseFlags(argv, spec);
  } catch (err) {
    expect(err).toBeInstanceOf(WearableError);
    expect((err as WearableError).code).toBe('JARVIS_WEARABLE_BAD_OPTION');
    return (err as Error).message;
  }
  throw new Error(`parseFlags accepted ${JSON.stringify(argv)}`);
}

describe('parseFlags', () => {
  it('reads every kind of flag into typed values', () => {
    const r = parseFlags(['--file', 'a.json', '--codec', 'adpcm', '--ms', '20.5', '--seed=-3', '--loss', '12.5%', '--at', '1', '--at', '.5', '--fast'], spec);
    expect(r).toEqual({ help: false, flags: { file: 'a.json', codec: 'adpcm', ms: 20.5, seed: -3, loss: 0.125, at: [1, 0.5], fast: true } });
    const bare = parseFlags(['--file', 'x'], spec);
    expect(bare).toEqual({ help: false, flags: { file: 'x', codec: undefined, ms: undefined, seed: undefined, loss: undefined, at: [], fast: undefined } });
    expect(parseFlags(['--file', 'x', '--loss', '0.25'], spec)).toMatchObject({ flags: { loss: 0.25 } });
  });

  it('--help (or -h) wins over everything else on the line, even bad flags', () => {
    expect(parseFlags(['--help'], spec)).toEqual({ help: true });
    expect(parseFlags(['--bogus', '--ms', 'x', '-h'], spec)).toEqual({ help: true });
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown flag', ['--file', 'x', '--volume', '3'], /Unknown option '--volume'/],
    ['a missing value', ['--file'], /Option '--file <value>' argument missing/],
    ['a value that looks like a flag', ['--file', 'x', '--ms', '--fast'], /--ms/],
    ['a negative number without =', ['--file', 'x', '--seed', '-3'], /Option '--seed' argument is ambiguous/],
    ['a positional argument', ['--file', 'x', 'extra'], /Unexpected argument 'extra'/],
    ['a value for a boolean', ['--file', 'x', '--fast=yes'], /--fast/],
    ['a required flag absent', ['--ms', '3'], /^--file FILE is required$/],
    ['not a number', ['--file', 'x', '--ms', 'lots'], /^--ms "lots" is not a number$/],
    ['a number with junk', ['--file', 'x', '--ms', '1x'], /^--ms "1x" is not a number$/],
    ['hex', ['--file', 'x', '--ms', '0x10'], /is not a number/],
    ['an exponent', ['--file', 'x', '--ms', '1e3'], /is not a number/],
    ['an empty number', ['--file', 'x', '--ms', ''], /is not a number/],
    ['out of range', ['--file', 'x', '--ms', '101'], /^--ms must be from 0 to 100, got "101"$/],
    ['a fractional integer', ['--file', 'x', '--seed', '1.5'], /^--seed must be an integer, got "1.5"$/],
    ['a bad percentage', ['--file', 'x', '--loss', 'ten%'], /^--loss "ten%" is not a number$/],
    ['a value not among the choices', ['--file', 'x', '--codec', 'opus'], /^--codec must be pcm16 or adpcm, got "opus"$/],
    ['a bad value of a repeatable flag', ['--file', 'x', '--at', '1', '--at', 'soon'], /^--at "soon" is not a number$/],
  ])('refuses %s with JARVIS_WEARABLE_BAD_OPTION naming the flag', (_name, argv, message) => {
    expect(refusal(argv)).toMatch(message);
  });

  it('words a choice list of three as "a, b or c" and one-sided bounds as at least / at most', () => {
    const three: FlagSpec = { kind: 'string', choices: ['both', 'mqtt', 'flag'] };
    expect(() => readFlagValue('mute-signal', three, 'loud')).toThrow('--mute-signal must be both, mqtt or flag, got "loud"');
    expect(() => readFlagValue('n', { kind: 'integer', min: 1 }, '0')).toThrow('--n must be at least 1, got "0"');
    expect(() => readFlagValue('n', { kind: 'number', max: 5 }, '6')).toThrow('--n must be at most 5, got "6"');
  });
});

describe('every jarvis-wearable command uses it', () => {
  it.each<[string[], RegExp]>([
    [['provision', '--port', '/dev/null', '--bundle', 'b.json', '--baud', '9600'], /Unknown option '--baud'/],
    [['provision', '--port'], /Option '--port <value>' argument missing/],
    [['provision', '--bundle', 'b.json'], /--port PORT is required/],
    [['provision', '--port', '/dev/null', '--bundle', 'b.json', '--timeout-ms', 'soon'], /--timeout-ms "soon" is not a number/],
    [['provision', '--port', '/dev/null', '--bundle', 'b.json', '--timeout-ms', '0'], /--timeout-ms must be from 1 to 9999999, got "0"/],
    [['provision', '--port', '/dev/null', '--bundle', 'b.json', '--join-timeout-ms', '2.5'], /--join-timeout-ms must be an integer/],
    [['provision', '--port', '/dev/null', '--bundle', 'b.json', '--wifi-password', 'pw'], /--wifi-password needs --wifi-ssid/],
    [['simulate', '--bundle', 'b.json', '--wav', 'a.wav', '--frame-ms', 'twenty'], /--frame-ms "twenty" is not a number/],
    [['simulate', '--bundle', 'b.json'], /--wav FILE is required/],
    [['simulate', '--bundle', 'b.json', '--wav', 'a.wav', '--codec', 'opus'], /--codec must be pcm16 or adpcm, got "opus"/],
  ])('%j exits 2 with JARVIS_WEARABLE_BAD_OPTION and the --help hint, touching nothing', async (argv, message) => {
    const io = captureIO();
    expect(await runWearableCli(argv, io)).toBe(2);
    expect(io.err()).toMatch(new RegExp(`^jarvis-wearable ${argv[0] as string}: JARVIS_WEARABLE_BAD_OPTION: `));
    expect(io.err()).toMatch(message);
    expect(io.err()).toContain(`Run \`jarvis-wearable ${argv[0] as string} --help\` for the flags.`);
    expect(io.out()).toBe('');
  });

  it.each(['provision', 'simulate', 'gen-header'])('%s --help prints its usage on stdout and exits 0, even after a bad flag', async (name) => {
    const io = captureIO();
    expect(await runWearableCli([name, '--bogus', '--help'], io)).toBe(0);
    expect(io.out()).toContain(`Usage: jarvis-wearable ${name}`);
    expect(io.err()).toBe('');
  });

  it('gen-header refuses an unknown flag with the code and its usage', async () => {
    const io = captureIO();
    expect(await runWearableCli(['gen-header', '--check', '--force'], io)).toBe(2);
    expect(io.err()).toMatch(/^jarvis-wearable gen-header: JARVIS_WEARABLE_BAD_OPTION: Unknown option '--force'/);
    expect(io.err()).toContain('Usage: jarvis-wearable gen-header');
  });
});
