import type { AllowlistConfig } from '../config/index.js';
import { domainOf, type SnapshotEntity } from './registry-snapshot.js';

/** The allowlist settings are part of the `homeAssistant` config section (config/sections/home-assistant.ts). */
export { allowlistConfigSchema, type AllowlistConfig } from '../config/index.js';

/** Cover device classes that open a way into the house, so they need explicit opt-in like locks. */
export const SENSITIVE_COVER_CLASSES: ReadonlySet<string> = new Set(['door', 'garage', 'gate']);

/** Why an entity may not be acted on; undefined when it may. */
export type RefusalReason = 'not_exposed' | 'needs_opt_in';

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** True for entities that need explicit opt-in even when exposed (locks, alarms, door/garage/gate covers). */
export function isSensitive(entity: Pick<SnapshotEntity, 'entity_id' | 'device_class'>): boolean {
  const domain = domainOf(entity.entity_id);
  if (domain === 'lock' || domain === 'alarm_control_panel') return true;
  return domain === 'cover' && SENSITIVE_COVER_CLASSES.has(entity.device_class ?? '');
}

/**
 * Decides which entities Jarvis may act on (DESIGN.md §5): exposed by HA or listed in config, and, for locks,
 * alarm panels and door/garage covers, also opted in explicitly.
 */
export class Allowlist {
  private readonly listed: RegExp[];
  private readonly optedIn: RegExp[];

  constructor(private readonly config: AllowlistConfig) {
    this.listed = config.entities.map(globToRegExp);
    this.optedIn = config.optIn.map(globToRegExp);
  }

  /** Why the entity is refused, or undefined when Jarvis may act on it. */
  check(entity: Pick<SnapshotEntity, 'entity_id' | 'device_class' | 'exposed'>): RefusalReason | undefined {
    const id = entity.entity_id;
    const exposed = this.listed.some((r) => r.test(id)) || (this.config.useHaExposure && entity.exposed === true);
    if (!exposed) return 'not_exposed';
    if (isSensitive(entity) && !this.optedIn.some((r) => r.test(id))) return 'needs_opt_in';
    return undefined;
  }

  /** True when Jarvis may act on the entity. */
  allows(entity: Pick<SnapshotEntity, 'entity_id' | 'device_class' | 'exposed'>): boolean {
    return this.check(entity) === undefined;
  }
}
