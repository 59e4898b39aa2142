import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Allowlist, allowlistConfigSchema } from '../../src/home-assistant/allowlist.js';
import { registrySnapshotSchema } from '../../src/home-assistant/registry-snapshot.js';
import { EntityIndex } from '../../src/router/entity-index.js';
import { INTENT_NAMES } from '../../src/language/intents.js';
import { TIER1_INTENTS } from '../../src/router/tier1-llm.js';
import { LlmError } from '../../src/llm/errors.js';
import {
  TIER1_SYSTEM_PROMPT, answerToDecision, candidatesFor, createTier1Router, tier1AnswerSchema, tier1Prompt, tier1Schema,
  type Tier1Answer, type Tier1Candidate,
} from '../../src/router/tier1-llm.js';
import { LlmRuntime, type GenerateRequest, type GenerateResult } from '../../src/llm/runtime.js';
import { TINY_LLM, noTinyLlm } from '../llm/model.js';

const snapshot = registrySnapshotSchema.parse({
  areas: [{ area_id: 'kitchen', name: 'Kitchen' }, { area_id: 'bedroom', name: 'Bedroom', aliases: ['sleeping room'] }],
  entities: [
    { entity_id: 'light.kitchen_ceiling', name: 'Kitchen Ceiling', area_id: 'kitchen', state: 'off', exposed: true },
    { entity_id: 'light.bedside', name: 'Bedside Lamp', area_id: 'bedroom', state: 'on', exposed: true },
    { entity_id: 'switch.kettle', name: 'Kettle', area_id: 'kitchen', state: 'off', exposed: true },
    { entity_id: 'switch.server', name: 'Server Power', area_id: 'bedroom', state: 'on', exposed: false },
    { entity_id: 'lock.front_door', name: 'Front Door', area_id: null, state: 'locked', exposed: true },
    { entity_id: 'media_player.radio', name: 'Kitchen Radio', area_id: 'kitchen', state: 'playing', exposed: true },
    { entity_id: 'todo.shopping_list', name: 'Shopping List', area_id: null, state: '0', exposed: true },
  ],
});
const index = new EntityIndex(snapshot);
const allowlist = new Allowlist(allowlistConfigSchema.parse({}));
const kitchen: Tier1Candidate[] = [
  { entity_id: 'light.kitchen_ceiling', name: 'Kitchen Ceiling', area: 'Kitchen' },
  { entity_id: 'switch.kettle', name: 'Kettle', area: 'Kitchen' },
  { entity_id: 'media_player.radio', name: 'Kitchen Radio', area: 'Kitchen' },
  { entity_id: 'todo.shopping_list', name: 'Shopping List' },
];
const base: Tier1Answer = { intent: 'none', targets: [], value: null, color: null, item: null };

describe('answerToDecision', () => {
  it('maps answers onto the router decision with tier 1 and Home Assistant slot names', () => {
    expect(answerToDecision({ ...base, intent: 'HassTurnOn', targets: ['light.kitchen_ceiling'] }, 'lights on', kitchen)).toEqual({
      decision: { intent: 'HassTurnOn', slots: { name: 'Kitchen Ceiling', area: 'Kitchen' }, path: 'hot', tier: 1, confidence: 0.6, targets: ['light.kitchen_ceiling'] },
    });
    const set = answerToDecision({ ...base, intent: 'HassLightSet', targets: ['light.kitchen_ceiling'], value: 40, color: 'red' }, 'x', kitchen);
    expect('decision' in set && set.decision.slots).toEqual({ name: 'Kitchen Ceiling', area: 'Kitchen', brightness: 40, color: 'red' });
    const vol = answerToDecision({ ...base, intent: 'HassSetVolume', targets: ['media_player.radio'], value: 30 }, 'x', kitchen);
    expect('decision' in vol && vol.decision.slots['volume_level']).toBe(30);
    const timer = answerToDecision({ ...base, intent: 'HassStartTimer', value: 5 }, 'x', kitchen);
    expect('decision' in timer && timer.decision).toMatchObject({ intent: 'HassStartTimer', slots: { duration: 300 }, targets: [], path: 'hot' });
    const shop = answerToDecision({ ...base, intent: 'HassShoppingListAddItem', item: 'eggs' }, 'x', kitchen);
    expect('decision' in shop && shop.decision).toMatchObject({ slots: { item: 'eggs' }, targets: ['todo.shopping_list'] });
    const cold = answerToDecision({ ...base, intent: 'JarvisColdTask' }, 'Summarise my week, please', kitchen);
    expect('decision' in cold && cold.decision).toMatchObject({ path: 'cold', tier: 1, slots: { task: 'general', request: 'summarise my week' } });
  });

  it('never acts on an entity outside the candidates or of a domain the intent does not control', () => {
    expect(answerToDecision({ ...base, intent: 'HassTurnOff', targets: ['lock.front_door'] }, 'x', kitchen)).toHaveProperty('reason');
    expect(answerToDecision({ ...base, intent: 'HassTurnOff', targets: ['switch.server'] }, 'x', kitchen)).toHaveProperty('reason');
    const lockAsCandidate = [...kitchen, { entity_id: 'lock.front_door', name: 'Front Door' }];
    expect(answerToDecision({ ...base, intent: 'HassTurnOff', targets: ['lock.front_door'] }, 'x', lockAsCandidate)).toHaveProperty('reason');
    const mixed = answerToDecision({ ...base, intent: 'HassTurnOff', targets: ['switch.server', 'switch.kettle', 'switch.kettle'] }, 'x', kitchen);
    expect('decision' in mixed && mixed.decision.targets).toEqual(['switch.kettle']);
  });

  it('answers without what the intent needs are no decision', () => {
    for (const a of [
      { ...base },
      { ...base, intent: 'HassStartTimer' as const },
      { ...base, intent: 'HassSetPosition' as const, targets: ['light.kitchen_ceiling'], value: 10 },
      { ...base, intent: 'HassSetVolume' as const, targets: ['media_player.radio'] },
      { ...base, intent: 'HassLightSet' as const, targets: ['light.kitchen_ceiling'] },
      { ...base, intent: 'HassListAddItem' as const, targets: ['todo.shopping_list'] },
    ]) expect(answerToDecision(a, 'x', kitchen), JSON.stringify(a)).toHaveProperty('reason');
    expect(answerToDecision({ ...base, intent: 'HassShoppingListAddItem', item: 'milk' }, 'x', kitchen.slice(0, 2))).toHaveProperty('reason');
  });
});

describe('tier-1 prompt and schema', () => {
  it('the schema offers every tier-1 intent and only the candidate ids', () => {
    const s = tier1Schema(kitchen) as { properties: { intent: { enum: string[] }; targets: { items: { enum: string[] }; maxItems: number } } };
    expect(s.properties.intent.enum).toEqual([...TIER1_INTENTS, 'none']);
    expect(TIER1_INTENTS.length).toBeGreaterThanOrEqual(22);
    expect(s.properties.targets.items.enum).toEqual(kitchen.map((c) => c.entity_id));
    const empty = tier1Schema([]) as { properties: { targets: { maxItems: number } } };
    expect(empty.properties.targets.maxItems).toBe(0);
    for (const n of TIER1_INTENTS) expect(TIER1_SYSTEM_PROMPT).toContain(n);
    expect(tier1Prompt('turn it on', { area: 'Kitchen' }, kitchen)).toContain('- light.kitchen_ceiling: Kitchen Ceiling (Kitchen)');
  });

  it('candidates are allowlisted entities that share a word with the text, the speaker room first among equals', () => {
    const c = candidatesFor(index, 'switch the kitchen thing off', { area: 'bedroom' }, allowlist);
    expect(c.map((x) => x.entity_id)).toEqual(['light.kitchen_ceiling', 'media_player.radio', 'switch.kettle', 'light.bedside']);
    expect(candidatesFor(index, 'server power off', {}, allowlist)).toEqual([]);
    expect(candidatesFor(index, 'front door', {}, allowlist)).toEqual([]);
    expect(candidatesFor(index, 'the sleeping room lamp', {}, allowlist).map((x) => x.entity_id)).toEqual(['light.bedside']);
    expect(candidatesFor(index, 'kitchen', {}, allowlist, 1)).toHaveLength(1);
  });
});

/** A runtime whose answers the test decides: the only way to make a model say something hostile on purpose. */
function scripted(answer: (r: GenerateRequest) => unknown): Pick<LlmRuntime, 'generate' | 'ready'> {
  return {
    ready: true,
    generate: async (r) => {
      const json = answer(r);
      if (json instanceof Error) throw json;
      return { text: JSON.stringify(json), json, tokens: 1, inputTokens: 1, ms: 1, queuedMs: 0, stopReason: 'eogToken' } satisfies GenerateResult;
    },
  };
}

describe('createTier1Router fall-through', () => {
  it('an answer naming an entity outside the candidates, or not matching the schema, is no decision', async () => {
    const reasons: string[] = [];
    const onFallThrough = (r: string): void => void reasons.push(r);
    const outside = createTier1Router({ runtime: scripted(() => ({ ...base, intent: 'HassTurnOn', targets: ['switch.server'] })), onFallThrough });
    expect(await outside.decide('turn on the server', {}, kitchen)).toBeNull();
    const malformed = createTier1Router({ runtime: scripted(() => ({ intent: 'HassTurnOn', targets: 'light.kitchen_ceiling' })), onFallThrough });
    expect(await malformed.decide('lights', {}, kitchen)).toBeNull();
    const failing = createTier1Router({ runtime: scripted(() => new LlmError('JARVIS_LLM_TIMEOUT', 'late')), onFallThrough });
    expect(await failing.decide('lights', {}, kitchen)).toBeNull();
    expect(reasons).toEqual(['no_decision', 'JARVIS_LLM_BAD_OUTPUT', 'JARVIS_LLM_TIMEOUT']);
  });

  it('an LLM that is off is no decision without a call', async () => {
    const rt = new LlmRuntime({ modelPath: '/nonexistent/model.gguf' });
    await rt.start();
    const reasons: string[] = [];
    const tier1 = createTier1Router({ runtime: rt, onFallThrough: (r) => void reasons.push(r) });
    expect(await tier1.decide('turn on the kitchen light', { area: 'kitchen' }, kitchen)).toBeNull();
    expect(reasons).toEqual(['off']);
  });
});

describe.skipIf(noTinyLlm)('createTier1Router with llama-2-tiny-random.gguf (random weights: any valid answer)', () => {
  const rt = new LlmRuntime({ modelPath: TINY_LLM ?? '' });
  beforeAll(async () => {
    await rt.start();
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('the model output under the tier-1 schema always parses and validates', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const r = await rt.generate({ system: TIER1_SYSTEM_PROMPT, prompt: tier1Prompt(`turn on the kitchen light ${seed}`, { area: 'Kitchen' }, kitchen), jsonSchema: tier1Schema(kitchen), maxTokens: 200, temperature: 1, seed });
      const answer = tier1AnswerSchema.parse(r.json);
      for (const t of answer.targets) expect(kitchen.map((c) => c.entity_id)).toContain(t);
    }
  });

  it('decides with tier 1 on candidates only, or falls through; a tiny budget falls through and the next call works', async () => {
    const reasons: string[] = [];
    const tier1 = createTier1Router({ runtime: rt, budgetMs: 20_000, onFallThrough: (r) => void reasons.push(r) });
    for (const text of ['make the kitchen cosy', 'kettle please', 'what is going on in the kitchen']) {
      const d = await tier1.decide(text, { area: 'kitchen' }, kitchen);
      if (d) {
        expect(d.tier).toBe(1);
        expect(INTENT_NAMES).toContain(d.intent);
        for (const t of d.targets) expect(kitchen.map((c) => c.entity_id)).toContain(t);
      } else expect(reasons.at(-1)).toMatch(/^(no_decision|JARVIS_LLM_BAD_OUTPUT)$/);
    }
    const hurried = createTier1Router({ runtime: rt, budgetMs: 1, onFallThrough: (r) => void reasons.push(r) });
    expect(await hurried.decide('kettle on', {}, kitchen)).toBeNull();
    expect(reasons.at(-1)).toBe('JARVIS_LLM_TIMEOUT');
    const r = await rt.generate({ system: TIER1_SYSTEM_PROMPT, prompt: tier1Prompt('kettle on', {}, kitchen), jsonSchema: tier1Schema(kitchen), maxTokens: 200 });
    expect(tier1AnswerSchema.safeParse(r.json).success).toBe(true);
  });
});
