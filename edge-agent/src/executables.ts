/** Finds external programs (arecord, gpiomon, espeak-ng, ...) before relying on them, for clear errors. */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The full path of `program` (a path, or a name looked up on `PATH`), or undefined when it is not executable. */
export function findExecutable(program: string, path = process.env['PATH'] ?? ''): string | undefined {
  const candidates = program.includes('/') ? [program] : path.split(delimiter).filter((d) => isAbsolute(d)).map((d) => join(d, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}
