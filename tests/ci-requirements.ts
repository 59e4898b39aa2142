import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What tests skip without, outside CI (a developer without espeak-ng still gets a useful run). In CI
 * every one of them is installed by `.ci/run` or built by `npm ci`, so a missing one is a broken
 * install step, not a reason to skip: the global setup fails the run and names it.
 */
export function missingCiRequirements(): string[] {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const missing: string[] = [];
  for (const tool of ['espeak-ng', 'sox', 'gcc']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      missing.push(`${tool} (Debian package; .ci/run installs it)`);
    }
  }
  const files: Array<[string, string]> = [
    ['/usr/share/pocketsphinx/model/en-us/en-us/mdef', 'Debian pocketsphinx-en-us'],
    ['/usr/include/mbedtls/md.h', 'Debian libmbedtls-dev'],
    [`${root}hub/native/pocketsphinx/build/Release/jarvis_pocketsphinx.node`, 'the PocketSphinx addon (built by npm ci: hub install script)'],
    [`${root}whisper-native/native/build/Release/jarvis_whisper.node`, 'the whisper.cpp addon (built by npm ci: @jarvis/whisper install script)'],
    [`${root}../shared/models/for-tests-ggml-tiny.en.bin`, 'shared/models beside the checkout'],
    [`${root}../shared/models/llama-2-tiny-random.gguf`, 'shared/models beside the checkout'],
  ];
  for (const [file, what] of files) if (!existsSync(file)) missing.push(`${file} (${what})`);
  return missing;
}
