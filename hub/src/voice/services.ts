import { forFacility } from '../core/logger.js';
import type { HomeAssistantComponent } from '../home-assistant/component.js';
import type { HubContext } from '../main.js';
import type { ObserverComponent } from '../observer/component.js';
import type { CommandRouter } from '../router/command-router.js';
import type { TasksComponent } from '../tasks/component.js';
import { CommandService } from './command-service.js';
import { TranscriptBus } from './transcripts.js';

/**
 * What the hub's parts share with each other beyond {@link HubContext}: each part fills its own slot in its
 * `create()` (parts run in `parts.ts` order), later parts read the earlier ones. The voice pipeline uses
 * `transcripts.publish(segment)` for passive speech and `commands.handleCommandText(text, {deviceId, issuedAt})`
 * for a final command transcript.
 */
export interface HubServices {
  /** Passive transcripts: the STT part publishes, the observer subscribes. */
  transcripts: TranscriptBus;
  /** Commands in words (API, voice): routed, executed, answered on the device. */
  commands: CommandService;
  tasks?: TasksComponent;
  homeAssistant?: HomeAssistantComponent;
  router?: CommandRouter;
  observer?: ObserverComponent;
}

const byContext = new WeakMap<HubContext, HubServices>();

/** The shared services of one running hub (created on first use). */
export function hubServices(ctx: HubContext): HubServices {
  let services = byContext.get(ctx);
  if (!services) {
    const logger = forFacility(ctx.logger, 'hub:commands');
    services = {
      transcripts: new TranscriptBus(logger),
      commands: new CommandService({
        deviceArea: (deviceId) => ctx.registry.byTextId(deviceId)?.area,
        say: (deviceId, text) => ctx.mqtt.sendCommand(deviceId, 'cmd/say', { text }),
        logger,
      }),
    };
    byContext.set(ctx, services);
  }
  return services;
}

/** `handleCommandText` of a running hub, for the voice pipeline: the final transcript of a command utterance. */
export function handleCommandText(ctx: HubContext, text: string, origin: { deviceId?: string; area?: string; issuedAt?: number } = {}): ReturnType<CommandService['handleCommandText']> {
  return hubServices(ctx).commands.handleCommandText(text, origin);
}
