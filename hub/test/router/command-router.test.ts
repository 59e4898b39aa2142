import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConversationResult } from '../../src/home-assistant/client.js';
import { Allowlist } from '../../src/home-assistant/allowlist.js';
import { HaConversationFallback } from '../../src/home-assistant/conversation-agent.js';
import { homeAssistantSection } from '../../src/home-assistant/config.js';
import { CommandRouter } from '../../src/router/command-router.js';
import { startSimulatedHa, type SimulatedHa } from '../home-assistant/helpers.js';

let home: SimulatedHa;
let sim: SimulatedHa['sim'];
let ha: SimulatedHa['ha'];
let router: CommandRouter;
let clock = 1_000_000;

async function setUp(optIn: string[] = [], agentId = 'conversation.home_assistant'): Promise<void> {
  const allowlist = new Allowlist({ entities: [], useHaExposure: true, optIn });
  const conversation = new HaConversationFallback({ client: ha, agentId, language: 'en', allowlist, entities: () => ha.snapshot()?.entities ?? [] });
  router = new CommandRouter({ client: ha, allowlist, conversation, now: () => clock });
  await router.start();
}

beforeEach(async () => {
  home = await startSimulatedHa({
    simulator: {
      // Taught to HA, not to Jarvis: a custom sentence, and one naming the (not opted-in) alarm.
      sentences: [
        { text: 'party time', speech: 'Let us party', call: { domain: 'switch', service: 'turn_on', entityId: 'switch.christmas_tree' } },
        { text: 'secure the house with the alarm', speech: 'Armed', call: { domain: 'alarm_control_panel', service: 'alarm_arm_away', entityId: 'alarm_control_panel.house' } },
      ],
    },
  });
  ({ sim, ha } = home);
});
afterEach(async () => {
  await router.stop();
  await home.stop();
});

describe("Home Assistant's conversation agent as the fallback after tier 0", () => {
  it('sends what tier 0 does not understand, with the agent and device ids, and speaks HA\'s answer', async () => {
    await setUp();
    const r = await router.handle('Party time!', { area: 'kitchen', deviceId: 'wearable-1', haDeviceId: 'dev_kitchen_speaker' });
    expect(r.decision).toMatchObject({ handledBy: 'home-assistant', path: 'hot', targets: ['switch.christmas_tree'] });
    expect(r.result).toMatchObject({ ok: true, reply: 'Let us party', calls: [] });
    expect(sim.conversations).toEqual([{ text: 'Party time!', language: 'en', agentId: 'conversation.home_assistant', deviceId: 'dev_kitchen_speaker', conversationId: undefined }]);
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual(['switch.turn_on']);
  });

  it('keeps what tier 0 understands, and falls through when HA does not understand either', async () => {
    await setUp();
    await router.handle('turn on the big light');
    expect(sim.conversations).toHaveLength(0);
    const r = await router.handle('sing me a song about the sea');
    expect(sim.conversations).toHaveLength(1);
    expect(r.decision).toMatchObject({ intent: null, path: 'passive' });
    expect(r.decision.handledBy).toBeUndefined();
  });

  it('never sends a request that came from Home Assistant back to it', async () => {
    await setUp();
    const r = await router.handle('party time', { origin: 'home-assistant' });
    expect(sim.conversations).toHaveLength(0);
    expect(r.decision.path).toBe('passive');
  });

  it('keeps risky domains out unless the user opted them in', async () => {
    await setUp();
    await router.handle('secure the house with the alarm');
    expect(sim.conversations).toHaveLength(0);
    expect(sim.serviceCalls).toHaveLength(0);
    await router.stop();
    await setUp(['alarm_control_panel.house']);
    const r = await router.handle('secure the house with the alarm');
    expect(r.result.reply).toBe('Armed');
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual(['alarm_control_panel.alarm_arm_away']);
  });

  it('goes on without HA when the agent id is unknown to it (an error, not an answer)', async () => {
    await setUp([], 'conversation.gone');
    const r = await router.handle('party time');
    expect(sim.conversations).toHaveLength(1);
    expect(r.decision.path).toBe('passive');
    expect(sim.serviceCalls).toHaveLength(0);
  });

  it('refuses config that would make HA hand the text back to Jarvis, or is not an agent id', () => {
    expect(homeAssistantSection.parse({}).conversation).toEqual({ enabled: true, agentId: 'conversation.home_assistant', language: 'en' });
    expect(homeAssistantSection.safeParse({ conversation: { agentId: 'conversation.jarvis' } }).error?.issues[0]?.message).toMatch(/Jarvis's own agent/);
    expect(homeAssistantSection.safeParse({ conversation: { agentId: 'bad id!' } }).error?.issues[0]?.message).toMatch(/agent id/);
    expect(homeAssistantSection.safeParse({ conversation: { language: 'English please' } }).success).toBe(false);
    expect(homeAssistantSection.safeParse({ conversation: { agent: 'x' } }).success).toBe(false);
  });

  it('validates HA\'s answer shape with a coded error', () => {
    expect(() => parseConversationResult({ response: { response_type: 'maybe' } })).toThrow(expect.objectContaining({ code: 'JARVIS_HA_BAD_RESPONSE' }));
    expect(() => parseConversationResult(null)).toThrow(expect.objectContaining({ code: 'JARVIS_HA_BAD_RESPONSE' }));
    expect(parseConversationResult({ response: { response_type: 'error', speech: { plain: { speech: 'no' } }, data: { code: 'no_intent_match' } }, conversation_id: null }))
      .toEqual({ speech: 'no', responseType: 'error', errorCode: 'no_intent_match', success: [], conversationId: undefined });
  });
});

describe('asking before acting ("Did you say …?") and acting on yes', () => {
  it('asks when the caller is unsure, acts on yes from the same device, not on another device\'s yes', async () => {
    await setUp();
    const asked = await router.handle('turn off the lights', { area: 'living_room', deviceId: 'sat-1', confirm: true });
    expect(asked.result).toMatchObject({ ok: true, code: 'JARVIS_ROUTE_CONFIRM_PENDING', calls: [], reply: 'Did you say turn off the lights in the Living Room?' });
    expect(sim.serviceCalls).toHaveLength(0);
    const other = await router.handle('yes', { deviceId: 'sat-2' });
    expect(other.result.calls).toHaveLength(0);
    const yes = await router.handle('yes please', { deviceId: 'sat-1' });
    expect(yes.decision.intent).toBe('HassTurnOff');
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual(['light.turn_off']);
    expect(router.pendingConfirmation('sat-1')).toBeUndefined();
  });

  it('drops the action on no, on another command, and when the answer comes too late', async () => {
    await setUp();
    await router.handle('turn on the big light', { deviceId: 'd', confirm: true });
    expect((await router.handle('no', { deviceId: 'd' })).result.reply).toBe("Okay, I won't.");
    await router.handle('turn on the big light', { deviceId: 'd', confirm: true });
    await router.handle('what time is it', { deviceId: 'd' });
    expect((await router.handle('yes', { deviceId: 'd' })).result.calls).toHaveLength(0);
    await router.handle('turn on the big light', { deviceId: 'd', confirm: true });
    clock += 16_000;
    expect((await router.handle('yes', { deviceId: 'd' })).result.calls).toHaveLength(0);
    expect(sim.serviceCalls).toHaveLength(0);
  });

  it('takes "okay" as the answer only while a question is open, says the words of "say …", and sends neither to Home Assistant', async () => {
    await setUp();
    const idle = await router.handle('okay', { deviceId: 'd' });
    expect(idle.decision.path).toBe('passive');
    expect(idle.result).toMatchObject({ reply: '', calls: [] });
    await router.handle('turn on the big light', { deviceId: 'd', confirm: true });
    const ok = await router.handle('okay', { deviceId: 'd' });
    expect(ok.decision.intent).toBe('HassTurnOn');
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual(['light.turn_on']);
    expect((await router.handle('say good morning everyone', { deviceId: 'd' })).result).toMatchObject({ ok: true, reply: 'good morning everyone' });
    expect(sim.conversations).toHaveLength(0);
  });

  it('asks by itself before a lock heard through a misrecognised word, even when opted in', async () => {
    await setUp(['lock.front_door']);
    const asked = await router.handle('unlock the frunt door');
    expect(asked.decision).toMatchObject({ intent: 'HassTurnOff', action: 'unlock' });
    expect(asked.result.reply).toBe('Did you say unlock the Front Door?');
    await router.handle('yes');
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual(['lock.unlock']);
    // Heard exactly: no question.
    await router.handle('lock the front door');
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual(['lock.unlock', 'lock.lock']);
  });
});
