/**
 * Wyoming `handle` on Jarvis's router ([WY-3.4]): acts through Jarvis's own Home Assistant connection
 * and allowlist; maps HA's context (device_id / satellite_id) to an area through HA's device registry;
 * marks the command as coming from Home Assistant so it is never handed back to HA's conversation agent.
 */
import type { RegistrySnapshot } from '@jarvis/protocol';
import type { HandleContext, WyomingHandleBackend } from './backends.js';

/** Where a routed command came from; `home-assistant` commands must not go back to HA's agent (loop guard). */
export type CommandOrigin = 'device' | 'home-assistant';

/** The part of the router the handle backend uses (CommandRouter satisfies it). */
export interface CommandHandler {
  handle(text: string, context: { area?: string; deviceId?: string; origin?: CommandOrigin }): Promise<{ result: { ok: boolean; reply: string } }>;
}

/** Area name of HA device `deviceId`, or of the device/area of entity `satelliteId`, from a registry snapshot. */
export function areaFromRegistry(snapshot: RegistrySnapshot | undefined, context: { deviceId?: string; satelliteId?: string }): string | undefined {
  if (!snapshot) return undefined;
  const areaName = (id: string | null | undefined): string | undefined => (id ? snapshot.areas.find((a) => a.area_id === id)?.name : undefined);
  const deviceArea = (id: string | undefined): string | undefined => (id ? areaName(snapshot.devices?.find((d) => d.id === id)?.area_id) : undefined);
  const byDevice = deviceArea(context.deviceId);
  if (byDevice) return byDevice;
  if (context.satelliteId) {
    const e = snapshot.entities.find((x) => x.entity_id === context.satelliteId);
    return areaName(e?.area_id) ?? deviceArea(e?.device_id ?? undefined);
  }
  return undefined;
}

/** A Wyoming handle backend over the router and the live registry. */
export function routerHandleBackend(router: CommandHandler, registry: () => RegistrySnapshot | undefined, languages: readonly string[] = ['en']): WyomingHandleBackend {
  return {
    languages: () => [...languages],
    areaOf: (ctx) => areaFromRegistry(registry(), ctx),
    async handle(text: string, context: HandleContext) {
      const out = await router.handle(text, {
        ...(context.area ? { area: context.area } : {}),
        ...(context.deviceId ? { deviceId: context.deviceId } : {}),
        origin: 'home-assistant',
      });
      return { handled: out.result.ok, text: out.result.reply };
    },
  };
}
