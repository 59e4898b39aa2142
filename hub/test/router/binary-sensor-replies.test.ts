import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { HomeAssistantClient } from '../../src/home-assistant/client.js';
import { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { DecisionExecutor } from '../../src/home-assistant/executor.js';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from './../../src/router/tier0.js';
import { TimerService } from '../../src/router/timers.js';

// The router asks a door or window sensor in Home Assistant's on/off; the answer still says open or closed.
const home = loadRegistrySnapshot(fileURLToPath(new URL('../../../tests/fixtures/registry/home-c.json', import.meta.url)));
const router = new Tier0Router(home);
let sim: HomeAssistantSimulator;
let client: HomeAssistantClient;
let timers: TimerService;
let executor: DecisionExecutor;

beforeAll(async () => {
  sim = new HomeAssistantSimulator({ snapshot: home, token: 't' });
  await sim.start();
  client = new HomeAssistantClient({ url: sim.url, token: 't', backoffInitialMs: 20, backoffMaxMs: 50 });
  await client.start();
  await client.waitUntilConnected();
  timers = new TimerService(() => 0);
  executor = new DecisionExecutor({ ha: client, getState: (id) => client.getState(id), getEntity: (id) => home.entities.find((e) => e.entity_id === id), timers, broadcast: () => undefined });
});
afterAll(async () => {
  await timers.stop();
  await client.stop();
  await sim.stop();
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
    expect(await executor.execute(d, {})).toMatchObject({ ok: true, reply });
  });
});
