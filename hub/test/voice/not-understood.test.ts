import fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandRoutes } from '../../src/api/command-routes.js';
import { silentLogger } from '../../src/core/logger.js';
import { HaConversationFallback } from '../../src/home-assistant/conversation-agent.js';
import { CommandService, NOT_UNDERSTOOD_REPLY, notUnderstoodReasons } from '../../src/voice/command-service.js';
import { startSimulatedHaRouter, type SimulatedHaRouter } from '../home-assistant/helpers.js';

// Issue 18 finding 4: a command asked on purpose that nothing understands is answered aloud, with the reason.

let home: SimulatedHaRouter;
let sim: SimulatedHaRouter['sim'];
let ha: SimulatedHaRouter['ha'];
let router: SimulatedHaRouter['router'];

beforeEach(async () => {
  home = await startSimulatedHaRouter({
    client: { connectTimeoutMs: 5000 },
    router: (client, allowlist) => ({
      conversation: new HaConversationFallback({ client, agentId: 'conversation.home_assistant', language: 'en', allowlist, entities: () => client.snapshot()?.entities ?? [] }),
    }),
  });
  ({ sim, ha, router } = home);
}, 60_000);
afterEach(() => home.stop());

function service() {
  const said: [string, string][] = [];
  const s = new CommandService({
    deviceArea: (id) => (id === '0000002a' ? 'Kitchen' : undefined),
    say: async (id, text) => void said.push([id, text]),
    router,
    understanding: () => ({ llm: 'off', haAgent: ha.state === 'connected' ? 'on' : 'not-connected' }),
    logger: silentLogger(),
  });
  return { s, said };
}

describe('a command nothing understands', () => {
  it('is answered aloud on the device with a code and a reason per tier; HA was asked and declined', async () => {
    const { s, said } = service();
    const out = await s.handleCommandText('sing me a song about the sea', { deviceId: '0000002a' });
    expect(sim.conversations).toHaveLength(1);
    expect(out.decision).toMatchObject({ intent: null, path: 'passive' });
    expect(out.result).toMatchObject({ ok: false, reply: NOT_UNDERSTOOD_REPLY, code: 'JARVIS_COMMAND_NOT_UNDERSTOOD' });
    expect(out.notUnderstood).toEqual(['no grammar match', "Home Assistant's agent declined", 'the LLM is off']);
    expect(out.replied).toBe(true);
    expect(said).toEqual([['0000002a', NOT_UNDERSTOOD_REPLY]]);
  });

  it('says why in the commands API answer', async () => {
    const { s } = service();
    const app = fastify();
    await app.register(commandRoutes({ handleCommandText: (t, o) => s.handleCommandText(t, o), publishTranscript: () => {}, transcriptListeners: () => 0, forget: undefined, deviceExists: () => true }), { prefix: '/api/v1' });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/v1/commands', payload: { text: 'sing me a song about the sea', deviceId: '0000002a' } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ result: { reply: NOT_UNDERSTOOD_REPLY, code: 'JARVIS_COMMAND_NOT_UNDERSTOOD' }, replied: true, notUnderstood: ['no grammar match', "Home Assistant's agent declined", 'the LLM is off'] });
    } finally {
      await app.close();
    }
  });

  it.each(['kitchen lights off please', 'lights off'])('"%s" is understood now (turns the kitchen light off, no apology)', async (text) => {
    const { s, said } = service();
    const out = await s.handleCommandText(text, { deviceId: '0000002a' });
    expect(out.notUnderstood).toBeUndefined();
    expect(out.decision.intent).toBe('HassTurnOff');
    expect(out.decision.targets).toContain('light.kitchen');
    expect(said[0]![1]).not.toBe(NOT_UNDERSTOOD_REPLY);
  });

  it('names each tier that is off, loading or not connected', () => {
    expect(notUnderstoodReasons(undefined)).toEqual(['no grammar match']);
    expect(notUnderstoodReasons({ llm: 'loading', haAgent: 'off' })).toEqual(['no grammar match', "Home Assistant's agent is off", 'the LLM is still loading']);
    expect(notUnderstoodReasons({ llm: 'on', haAgent: 'not-connected' })).toEqual(['no grammar match', "Home Assistant's agent is not connected", 'the LLM found no command']);
  });
});
