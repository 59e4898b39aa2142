import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Whether `tool` runs on this machine (any exit status counts: mosquitto -h exits 3). */
export function hasTool(tool: string, args: string[]): boolean {
  try {
    execFileSync(tool, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

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
  for (const [tool, args, what] of [
    ['systemd-analyze', ['--version'], 'Debian systemd; .ci/run installs it'],
    ['kubectl', ['version', '--client'], 'on the machine image: kubectl with its built-in kustomize'],
    ['mosquitto', ['-h'], 'Debian mosquitto; .ci/run installs it'],
    ['mosquitto_pub', ['--help'], 'Debian mosquitto-clients; .ci/run installs it (the README demo test)'],
    ['jq', ['--version'], 'Debian jq; .ci/run installs it (the README demo test)'],
    ['curl', ['--version'], 'Debian curl; .ci/run installs it (the README demo test)'],
  ] as const) {
    if (!hasTool(tool, [...args])) missing.push(`${tool} (${what})`);
  }
  const files: Array<[string, string]> = [
    ['/usr/share/pocketsphinx/model/en-us/en-us/mdef', 'Debian pocketsphinx-en-us'],
    ['/usr/include/mbedtls/md.h', 'Debian libmbedtls-dev'],
    ['/usr/bin/chromium', 'Debian chromium (the dashboard browser tests)'],
    [`${root}hub/native/pocketsphinx/build/Release/jarvis_pocketsphinx.node`, 'the PocketSphinx addon (built by npm ci: hub install script)'],
    [`${root}whisper-native/native/build/Release/jarvis_whisper.node`, 'the whisper.cpp addon (built by npm ci: @jarvis/whisper install script)'],
    [`${root}../shared/models/for-tests-ggml-tiny.en.bin`, 'shared/models beside the checkout'],
    [`${root}../shared/models/llama-2-tiny-random.gguf`, 'shared/models beside the checkout'],
  ];
  for (const [file, what] of files) if (!existsSync(file)) missing.push(`${file} (${what})`);
  return missing;
}
