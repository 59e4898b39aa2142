import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './cli-flags.js';
import type { CliIO, WearableCommand } from './cli-types.js';
import { WearableError } from './errors.js';
import { GENERATED_HEADER_PATH, renderProtoHeader } from './gen-header.js';

/** The committed header's absolute path (the package root is one level above both src/ and dist/). */
export const defaultHeaderPath = (): string => fileURLToPath(new URL(`../${GENERATED_HEADER_PATH}`, import.meta.url));

const help = `Usage: jarvis-wearable gen-header [--out FILE] [--check]

Writes the firmware's C header (${GENERATED_HEADER_PATH}) from @jarvis/protocol's constants.

  --out FILE   write here instead of the package's ${GENERATED_HEADER_PATH}
  --check      write nothing; exit 1 if the file differs from what would be generated
  --help       show this text
`;

/** `jarvis-wearable gen-header`: regenerates (or with --check verifies) the committed C header. */
export const genHeaderCommand: WearableCommand = {
  name: 'gen-header',
  summary: 'generate firmware/jarvis_proto_gen.h from @jarvis/protocol',
  help,
  async run(argv: string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseFlags(argv, { out: { kind: 'string', placeholder: 'FILE' }, check: { kind: 'boolean' } });
    } catch (err) {
      if (!(err instanceof WearableError)) throw err;
      io.stderr.write(`jarvis-wearable gen-header: ${err.code}: ${err.message}\n\n${help}`);
      return 2;
    }
    if (parsed.help) {
      io.stdout.write(help);
      return 0;
    }
    const values = parsed.flags;
    const path = values.out ?? defaultHeaderPath();
    const text = renderProtoHeader();
    if (values.check) {
      const current = await readFile(path, 'utf8').catch(() => null);
      if (current === text) {
        io.stdout.write(`${path} is up to date\n`);
        return 0;
      }
      io.stderr.write(`${path} is ${current === null ? 'missing' : 'stale'}: run \`jarvis-wearable gen-header\`\n`);
      return 1;
    }
    await writeFile(path, text);
    io.stdout.write(`wrote ${path}\n`);
    return 0;
  },
};
