import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from './../../src/router/tier0.js';
import { startExecutor } from '../home-assistant/helpers.js';

// The router asks a door or window sensor in Home Assistant's on/off; the answer still says open or closed.
const home = loadRegistrySnapshot(fileURLToPath(new URL('../../../tests/fixtures/registry/home-c.json', import.meta.url)));
const router = new Tier0Router(home);
let h: Awaited<ReturnType<typeof startExecutor>>;

beforeAll(async () => {
  h = await startExecutor(home, { deps: { broadcast: () => undefined } });
});
afterAll(async () => {
  await h.stop();
});

describe("answers to a binary sensor asked in Home Assistant's on/off", () => {
  it.each([
    // The bathroom window sensor is on (open) in the fixture, the nursery's off (closed).
    ['is the bathroom window open', 'Yes, the Bathroom Window is open.'],
    ['is the bathroom window shut', 'No, the Bathroom Window is open.'],
    ['is the nursery window open', 'No, the Nursery Window is closed.'],
    ['is the nursery window closed', 'Yes, the Nursery Window is closed.'],
  ])('%s', async (text, reply) => {
    const d = router.route(text);
    expect(d.slots['state']).toMatch(/^(?:on|off)$/);
    expect(await h.executor.execute(d, {})).toMatchObject({ ok: true, reply });
  });
});
