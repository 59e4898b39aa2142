import { forgetMinutes } from '../voice/command-service.js';
import { hubServices } from '../voice/services.js';
import { forFacility } from '../core/logger.js';
import type { HomeAssistantClient } from '../home-assistant/client.js';
import { createTodoLlm } from './todo-llm.js';
import type { HubPart } from '../main.js';
import { llmRuntimeOf } from '../router/part.js';
import { ObserverComponent } from './component.js';
import type { HaTodoGateway } from './ha-sync.js';

/** The observer's view of Home Assistant: service calls and `todo/item/list`, over the hub's HA client. */
export function haTodoGateway(client: HomeAssistantClient): HaTodoGateway {
  return {
    callService: (domain, service, data, target) => client.callService(domain, service, data, target),
    listTodoItems: (entityId) => client.listTodoItems(entityId),
  };
}

/**
 * The observer part: passive transcripts from the hub's transcript bus, purges on every mute transition,
 * to-dos in `/api/v1/todos`, notices on the device (`cmd/say`), sync to `observer.todoEntity` in Home
 * Assistant, and "forget the last N minutes" said as a command.
 */
export const observerPart: HubPart = {
  name: 'observer',
  create(ctx) {
    const services = hubServices(ctx);
    const settings = ctx.config.observer;
    const log = forFacility(ctx.logger, 'hub:observer');
    const client = services.homeAssistant?.client;
    if (settings.todoEntity && !client) log.info({ todoEntity: settings.todoEntity }, 'to-dos stay in Jarvis: observer.todoEntity is set but Home Assistant control is off');
    // The router part started the LLM before this part is made: hand the observer its review only when it runs.
    const runtime = llmRuntimeOf(ctx);
    const llm = runtime?.ready ? createTodoLlm({ runtime, onSkip: (reason) => log.debug({ reason }, 'LLM to-do review skipped') }) : null;
    if (llm) log.info('to-dos are reviewed by the local LLM');
    const observer = new ObserverComponent({
      db: ctx.db,
      timeZone: ctx.config.time.zone,
      subscribeTranscripts: (listener) => services.transcripts.subscribe(listener),
      subscribeMute: (listener) => ctx.onMute(listener),
      windowMs: settings.windowMs,
      muteTailMs: settings.muteTailMs,
      requireApproval: settings.requireApproval,
      settleMs: settings.settleMs,
      notify: (deviceId, text) => ctx.mqtt.sendCommand(deviceId, 'cmd/say', { text }),
      homeAssistant: settings.todoEntity && client ? { gateway: haTodoGateway(client), entityId: settings.todoEntity } : null,
      llm,
      logger: ctx.logger,
    });
    services.observer = observer;
    ctx.api.addRoutes(observer.routes());
    services.commands.addInterceptor(async (_text, normalized, origin) => {
      const minutes = forgetMinutes(normalized);
      if (minutes === undefined || minutes <= 0 || minutes > 24 * 60) return undefined;
      const decidedAt = Date.now();
      await observer.forget(minutes, origin.deviceId);
      const span = minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
      return {
        decision: { intent: null, slots: { minutes }, path: 'hot', tier: 0, confidence: 1, targets: [] },
        result: { ok: true, reply: `Okay, I forgot the last ${span}.`, calls: [] },
        decidedAt,
        executedAt: Date.now(),
      };
    });
    return observer;
  },
};
