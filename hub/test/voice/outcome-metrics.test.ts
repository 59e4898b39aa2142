import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { SqliteTaskQueue } from '../../src/tasks/queue.js';
import { CommandService } from '../../src/voice/command-service.js';
import { OutcomeMetrics } from '../../src/voice/outcome-metrics.js';
import { startSimulatedHaRouter, type SimulatedHaRouter } from '../home-assistant/helpers.js';

// Issue 18 finding 7: counters for commands in words, HA calls and tasks, with the outcome as a label.

let home: SimulatedHaRouter;
let sim: SimulatedHaRouter['sim'];
let router: SimulatedHaRouter['router'];
let db: Db;

beforeEach(async () => {
  home = await startSimulatedHaRouter({ client: { connectTimeoutMs: 5000 } });
  ({ sim, router } = home);
  db = openDatabase(':memory:');
}, 60_000);
afterEach(async () => {
  await home.stop();
  db.close();
});

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const v = (metric?.values ?? []).find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
}

describe('OutcomeMetrics', () => {
  it('counts commands, the HA calls they made and settled tasks, each by outcome; registers in start(), not the constructor', async () => {
    const registry = new Registry();
    const queue = new SqliteTaskQueue(db);
    const metrics = new OutcomeMetrics(registry, (l) => queue.onSettled(l));
    expect(await registry.getMetricsAsJSON()).toEqual([]);
    await metrics.start();
    await metrics.start();
    const commands = new CommandService({ deviceArea: (id) => (id === '0000002a' ? 'Kitchen' : undefined), say: async () => {}, router, observe: (e) => metrics.command(e), logger: silentLogger() });

    await commands.handleCommandText('turn on the lights', { deviceId: '0000002a' });
    await commands.handleCommandText('sing me a song about the sea', { deviceId: '0000002a' });
    await expect(commands.handleCommandText('turn on the lights', { deviceId: 'ffffffff' })).rejects.toThrow();
    const task = queue.enqueue({ type: 'router.summarise', payload: {} });
    queue.cancel(task.id);

    expect(await value(registry, 'jarvis_commands_total', { outcome: 'ok' })).toBe(1);
    expect(await value(registry, 'jarvis_commands_total', { outcome: 'not_understood' })).toBe(1);
    expect(await value(registry, 'jarvis_commands_total', { outcome: 'rejected' })).toBe(1);
    expect(sim.serviceCalls.length).toBeGreaterThan(0);
    expect(await value(registry, 'jarvis_ha_calls_total', { domain: 'light', outcome: 'ok' })).toBe(sim.serviceCalls.length);
    expect(await value(registry, 'jarvis_tasks_settled_total', { type: 'router.summarise', outcome: 'cancelled' })).toBe(1);

    await metrics.stop();
    await metrics.stop();
    expect(await registry.getMetricsAsJSON()).toEqual([]);
    // Restartable on the same registry (no duplicate-registration error).
    await metrics.start();
    await metrics.stop();
  });
});
