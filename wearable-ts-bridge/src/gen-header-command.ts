import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CliIO, WearableCommand } from './cli-types.js';
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
    let values: { out?: string; check?: boolean; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: { out: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean' } },
      }));
    } catch (err) {
      io.stderr.write(`jarvis-wearable gen-header: JARVIS_WEARABLE_BAD_OPTION: ${(err as Error).message}\n\n${help}`);
      return 2;
    }
    if (values.help) {
      io.stdout.write(help);
      return 0;
    }
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
