/** Flag parsing and error reporting shared by the `jarvis-edge` commands. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, type EdgeCliIO } from './cli-types.js';
import { EdgeError, isEdgeError, type EdgeErrorCode } from './errors.js';

/** `parseArgs` with `strict: true`; an unknown flag or missing value becomes `JARVIS_EDGE_BAD_OPTION`. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false; args: string[] }>>['values'] {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new EdgeError('JARVIS_EDGE_BAD_OPTION', (err as Error).message);
  }
}

const EXIT_BY_CODE: Partial<Record<EdgeErrorCode, number>> = {
  JARVIS_EDGE_BAD_OPTION: EXIT.USAGE,
  JARVIS_EDGE_BAD_BUNDLE: EXIT.USAGE,
  JARVIS_EDGE_BAD_CONFIG: EXIT.USAGE,
  JARVIS_EDGE_BAD_WAV: EXIT.USAGE,
  JARVIS_EDGE_MQTT_AUTH: EXIT.AUTH,
  JARVIS_EDGE_NO_ARECORD: EXIT.MISSING,
  JARVIS_EDGE_GPIO: EXIT.MISSING,
};

/** Prints an `EdgeError` as `jarvis-edge: CODE: message` and returns its exit code; rethrows anything else. */
export function reportError(err: unknown, io: EdgeCliIO, help?: string): number {
  if (!isEdgeError(err)) throw err;
  io.stderr.write(`jarvis-edge: ${err.code}: ${err.message}\n`);
  if (err.code === 'JARVIS_EDGE_BAD_OPTION' && help) io.stderr.write(`\n${help}`);
  return EXIT_BY_CODE[err.code] ?? EXIT.FAILED;
}
