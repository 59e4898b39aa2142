import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { fixtureHome, rawSocket } from './helpers.js';

let sim: HomeAssistantSimulator;

beforeEach(async () => {
  sim = new HomeAssistantSimulator({
    snapshot: fixtureHome(),
    token: 't',
    sentences: [{ text: 'Party time!', speech: 'Let us party', call: { domain: 'switch', service: 'turn_on', entityId: 'switch.christmas_tree' } }],
    agentIds: ['conversation.ollama'],
  });
  await sim.start();
});
afterEach(async () => {
  await sim.stop();
});

describe('HA simulator: conversation/process (conversation/http.py websocket_process)', () => {
  it('answers with ConversationResult.as_dict(): speech, response type, targets, conversation id', async () => {
    const s = await rawSocket(sim.url, 't');
    s.ws.send(JSON.stringify({ id: 1, type: 'conversation/process', text: 'turn on the big light', language: 'en', agent_id: 'conversation.home_assistant', device_id: 'dev_kitchen_speaker' }));
    const r = await s.next();
    expect(r).toMatchObject({ id: 1, type: 'result', success: true });
    const result = r['result'] as { response: Record<string, unknown>; conversation_id: string; continue_conversation: boolean };
    expect(result.response).toMatchObject({
      speech: { plain: { speech: 'Turned on the Living Room Ceiling', extra_data: null } },
      language: 'en', response_type: 'action_done',
      data: { success: [{ name: 'Living Room Ceiling', type: 'entity', id: 'light.living_room_ceiling' }], failed: [] },
    });
    expect(result.conversation_id).toMatch(/^01SIMCONV/);
    expect(result.continue_conversation).toBe(false);
    expect(sim.serviceCalls.at(-1)).toMatchObject({ domain: 'light', service: 'turn_on', entityIds: ['light.living_room_ceiling'] });
    expect(sim.conversations.at(-1)).toMatchObject({ text: 'turn on the big light', agentId: 'conversation.home_assistant', deviceId: 'dev_kitchen_speaker' });

    // A custom sentence, the legacy agent id, the caller's conversation id kept.
    s.ws.send(JSON.stringify({ id: 2, type: 'conversation/process', text: 'party time', agent_id: 'homeassistant', conversation_id: 'abc' }));
    expect(await s.next()).toMatchObject({ success: true, result: { response: { speech: { plain: { speech: 'Let us party' } } }, conversation_id: 'abc' } });
    expect(sim.serviceCalls.at(-1)).toMatchObject({ domain: 'switch', service: 'turn_on', entityIds: ['switch.christmas_tree'] });

    // Not understood: an error response (still a successful websocket result), code no_intent_match.
    s.ws.send(JSON.stringify({ id: 3, type: 'conversation/process', text: 'sing me a song', agent_id: 'conversation.ollama' }));
    expect(await s.next()).toMatchObject({ success: true, result: { response: { response_type: 'error', data: { code: 'no_intent_match' }, speech: { plain: { speech: "Sorry, I couldn't understand that" } } } } });
    s.ws.close();
  });

  it('rejects malformed requests and unknown agents as HA does', async () => {
    const s = await rawSocket(sim.url, 't');
    s.ws.send(JSON.stringify({ id: 1, type: 'conversation/process' }));
    expect(await s.next()).toMatchObject({ id: 1, success: false, error: { code: 'invalid_format', message: "required key not provided @ data['text']" } });
    s.ws.send(JSON.stringify({ id: 2, type: 'conversation/process', text: 5 }));
    expect(await s.next()).toMatchObject({ id: 2, success: false, error: { code: 'invalid_format' } });
    s.ws.send(JSON.stringify({ id: 3, type: 'conversation/process', text: 'hi', agent_id: 'bad id!' }));
    expect(await s.next()).toMatchObject({ id: 3, success: false, error: { code: 'invalid_format' } });
    s.ws.send(JSON.stringify({ id: 4, type: 'conversation/process', text: 'hi', mood: 'happy' }));
    expect(await s.next()).toMatchObject({ id: 4, success: false, error: { code: 'invalid_format', message: "extra keys not allowed @ data['mood']" } });
    s.ws.send(JSON.stringify({ id: 5, type: 'conversation/process', text: 'hi', agent_id: 'conversation.nobody' }));
    expect(await s.next()).toMatchObject({ id: 5, success: false, error: { code: 'unknown_error' } });
    expect(sim.serviceCalls).toHaveLength(0);
    s.ws.close();
  });

  it('runs the vacuum, mower, media search and announce services', async () => {
    const s = await rawSocket(sim.url, 't');
    s.ws.send(JSON.stringify({ id: 1, type: 'call_service', domain: 'media_player', service: 'play_media', service_data: { media_content_id: 'jazz', media_content_type: 'music' }, target: { entity_id: 'media_player.kitchen_speaker' } }));
    expect(await s.next()).toMatchObject({ id: 1, success: true });
    s.ws.send(JSON.stringify({ id: 2, type: 'call_service', domain: 'media_player', service: 'play_media', service_data: { media_content_type: 'music' }, target: { entity_id: 'media_player.kitchen_speaker' } }));
    expect(await s.next()).toMatchObject({ id: 2, success: false, error: { code: 'invalid_format' } });
    for (const [domain, service] of [['vacuum', 'start'], ['vacuum', 'return_to_base'], ['lawn_mower', 'start_mowing'], ['lawn_mower', 'dock'], ['assist_satellite', 'announce']] as const) {
      s.ws.send(JSON.stringify({ id: 10 + sim.serviceCalls.length, type: 'call_service', domain, service, service_data: service === 'announce' ? { message: 'dinner' } : {} }));
      expect(await s.next()).toMatchObject({ success: true });
    }
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual(['media_player.play_media', 'vacuum.start', 'vacuum.return_to_base', 'lawn_mower.start_mowing', 'lawn_mower.dock', 'assist_satellite.announce']);
    s.ws.close();
  });
});
