import { hubServices } from '../commands/services.js';
import { forFacility } from '../core/logger.js';
import { Allowlist } from '../home-assistant/allowlist.js';
import type { HubPart } from '../main.js';
import { ColdReplies } from './cold-replies.js';
import { CommandRouter } from './command-router.js';
import { describeDuration } from './duration.js';
import type { HubTimer } from './timers.js';

/** What a device hears when a timer it set runs out. */
export function timerFinishedText(timer: Pick<HubTimer, 'name' | 'durationS'>): string {
  return timer.name ? `Your ${timer.name} timer is done.` : `Your timer for ${describeDuration(timer.durationS)} is done.`;
}

/**
 * The router part: tier-0 decisions over the Home Assistant registry (or an empty one when HA is off), hot
 * decisions executed at once, cold ones queued as `router.<task>` tasks whose results are spoken on the device
 * that asked, hub timers that ring on the device that set them. Commands arrive through
 * `hubServices(ctx).commands.handleCommandText`.
 */
export const routerPart: HubPart = {
  name: 'router',
  create(ctx) {
    const services = hubServices(ctx);
    const log = forFacility(ctx.logger, 'hub:router');
    const say = (deviceId: string, text: string): Promise<void> => ctx.mqtt.sendCommand(deviceId, 'cmd/say', { text });
    const cold = services.tasks
      ? new ColdReplies({
          db: ctx.db,
          queue: services.tasks.queue,
          say,
          deviceExists: (id) => ctx.registry.byTextId(id) !== undefined,
          deviceOnline: (id) => ctx.mqtt.stateOf(id).online,
          maxAgeMs: ctx.config.router.coldReplyMaxAgeMs,
          sweepMs: ctx.config.router.coldReplySweepMs,
          logger: log,
        })
      : undefined;
    const ha = services.homeAssistant;
    const router = new CommandRouter({
      client: ha?.client,
      allowlist: ha?.allowlist ?? new Allowlist(ctx.config.homeAssistant.allowlist),
      tasks: cold,
      timeZone: ctx.config.time.zone,
      logger: log,
    });
    router.timers.on('finished', (timer: HubTimer) => {
      if (!timer.deviceId) return;
      say(timer.deviceId, timerFinishedText(timer)).catch((err: unknown) => log.warn({ err, device: timer.deviceId }, 'timer announcement failed'));
    });
    services.router = router;
    services.commands.setRouter(router);
    return cold ? [router, cold] : [router];
  },
};
