/**
 * The ESP-IDF project (firmware/esp-idf/) cannot be built here (no Xtensa toolchain, no IDF). What can be
 * checked is checked: its HAL and app_main.c pass `gcc -fsyntax-only -Werror` against stub IDF headers
 * (test/firmware/esp-stubs/, declarations written from the v5 docs), with the component's own flags, and
 * the jarvis_core component compiles every C file of the portable core (none forgotten after a change).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('../..', import.meta.url));
const firmware = join(pkg, 'firmware');
const idf = join(firmware, 'esp-idf');
const stubs = fileURLToPath(new URL('esp-stubs', import.meta.url));

function syntaxCheck(file: string): { status: number | null; stderr: string } {
  const r = spawnSync(
    'gcc',
    ['-std=gnu99', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', `-I${stubs}`, `-I${firmware}`, `-I${join(firmware, 'core')}`,
      `-I${join(idf, 'components', 'jarvis_hal_esp')}`, file],
    { encoding: 'utf8' },
  );
  return { status: r.status, stderr: r.stderr };
}

describe('ESP-IDF project (syntax only: not compiled here)', () => {
  it.each(['main/app_main.c', 'components/jarvis_hal_esp/jarvis_hal_esp.c'])('%s passes gcc -fsyntax-only -Werror against the stub IDF headers', (file) => {
    const r = syntaxCheck(join(idf, file));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the check can fail: a call to an IDF function the stubs do not declare is an error', () => {
    const r = spawnSync('gcc', ['-std=gnu99', '-fsyntax-only', '-Werror', `-I${stubs}`, '-x', 'c', '-'], {
      input: '#include "esp_wifi.h"\nint f(void) { return esp_wifi_scan_everything(); }\n',
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/implicit declaration/);
  });

  it('the jarvis_core component builds every C file of the portable core and the protocol library', () => {
    const cmake = readFileSync(join(idf, 'components', 'jarvis_core', 'CMakeLists.txt'), 'utf8');
    const core = readdirSync(join(firmware, 'core')).filter((f) => f.endsWith('.c'));
    expect(core.length).toBeGreaterThan(3);
    for (const f of core) expect(cmake, f).toContain(`"\${fw}/core/${f}"`);
    expect(cmake).toContain('"${fw}/jarvis_proto.c"');
  });
});
