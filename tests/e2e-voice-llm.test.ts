import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LLM_TEST_MODEL } from './e2e-voice-helpers.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { FIXTURE_HOME, startPartsHub, type PartsHub } from './hub-parts-helpers.js';

const hasModel = existsSync(LLM_TEST_MODEL);
if (!hasModel) console.warn(`tier-1 plumbing tests skipped: ${LLM_TEST_MODEL} is absent`);

let t: PartsHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Decision = { intent: string | null; path: string; tier: number; targets: string[] };

const tier1Count = async (hub: PartsHub): Promise<Record<string, number>> => {
  const body = (await hub.hub.parts.api.fastify.inject({ method: 'GET', url: '/metrics' })).body;
  return Object.fromEntries([...body.matchAll(/^jarvis_router_tier1_total\{outcome="([a-z-]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
};

describe('router tier 1 in the hub: the local LLM gets what tier 0 cannot place', () => {
  it.skipIf(!hasModel)('with a model, an unplaceable command is decided by the LLM within its budget or falls through; only allowed candidates are ever acted on', async () => {
    t = await startPartsHub({ env: { JARVIS_LLM_PATH: LLM_TEST_MODEL, JARVIS_LLM_TIER1_BUDGET_MS: '5000', JARVIS_STT_WHISPER_PATH: '/nonexistent/ggml.bin' } });
    expect(t.hub.parts.llm?.status.state).toBe('ready');
    // The observer was handed the LLM review because the runtime was ready when it was made.
    expect(t.logs.some((l) => l.includes('to-dos are reviewed by the local LLM'))).toBe(true);
    const kitchen = await t.device('kitchen-puck', 'Kitchen');

    // Tier 0 places this one itself: no consultation.
    await t.api('POST', '/api/v1/commands', { text: 'turn on the kitchen lights', deviceId: kitchen.bundle.deviceId });
    expect(await tier1Count(t)).toEqual({});

    const started = Date.now();
    const res = await t.api('POST', '/api/v1/commands', { text: 'make the kitchen cosy for the evening', deviceId: kitchen.bundle.deviceId });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(15_000);
    const counts = await tier1Count(t);
    expect((counts['decision'] ?? 0) + (counts['fall-through'] ?? 0)).toBe(1);
    const decision = res.json['decision'] as Decision;
    if (counts['decision'] === 1) expect(decision.tier).toBe(1);
    else expect([decision.tier, decision.path]).toEqual([0, 'passive']);
    // Random weights may pick any candidate, but candidates are only allowlisted entities: never the lock, the
    // alarm panel, the garage door or an unexposed entity.
    const acted = t.ha!.serviceCalls.slice(1).flatMap((c) => c.entityIds);
    const forbidden = ['lock.front_door', 'alarm_control_panel.house', 'cover.garage_door', ...loadRegistrySnapshot(FIXTURE_HOME).entities.filter((e) => e.exposed === false).map((e) => e.entity_id)];
    expect(forbidden.length).toBeGreaterThan(3);
    for (const id of acted) expect(forbidden).not.toContain(id);
    expect(t.hub.parts.llm?.status.state).toBe('ready');
  }, 60_000);

  it('without a model tier 1 is off, says which command turns it on, and commands fall through at once', async () => {
    t = await startPartsHub({ env: { JARVIS_STT_WHISPER_PATH: '/nonexistent/ggml.bin' } });
    expect(t.hub.parts.llm?.status.state).toBe('off');
    expect(t.logs.some((l) => l.includes('jarvis models pull qwen2.5-0.5b-instruct-q4_k_m'))).toBe(true);
    const res = await t.api('POST', '/api/v1/commands', { text: 'make the kitchen cosy for the evening', area: 'Kitchen' });
    expect((res.json['decision'] as Decision).path).toBe('passive');
    expect(await tier1Count(t)).toEqual({});
    expect(t.logs.some((l) => l.includes('to-dos are reviewed by the local LLM'))).toBe(false);
  });
});
