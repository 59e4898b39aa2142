import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HomeAssistantError } from './errors.js';

/** A floor as Home Assistant's floor registry holds it. */
export const snapshotFloorSchema = z.object({
  floor_id: z.string().min(1),
  name: z.string().min(1),
  aliases: z.array(z.string()).default([]),
  level: z.number().int().nullable().default(null),
});

/** An area as Home Assistant's area registry holds it. */
export const snapshotAreaSchema = z.object({
  area_id: z.string().min(1),
  name: z.string().min(1),
  aliases: z.array(z.string()).default([]),
  floor_id: z.string().nullable().default(null),
});

/** A device, only for the area its entities inherit (Home Assistant's device registry). */
export const snapshotDeviceSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  area_id: z.string().nullable().default(null),
  manufacturer: z.string().nullable().default(null),
  model: z.string().nullable().default(null),
});

const entityIdSchema = z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/, 'must look like domain.object_id');

/** An entity: registry entry (name, aliases, area, device class) plus its current state. */
export const snapshotEntitySchema = z.object({
  entity_id: entityIdSchema,
  name: z.string().min(1),
  aliases: z.array(z.string()).default([]),
  /** The entity's own area, else its device's area (already resolved in a snapshot). */
  area_id: z.string().nullable().default(null),
  device_id: z.string().nullable().optional(),
  device_class: z.string().nullable().optional(),
  state: z.string(),
  attributes: z.record(z.string(), z.unknown()).default({}),
  /** Home Assistant's "expose to Assist" setting (conversation); absent means unknown. */
  exposed: z.boolean().optional(),
});

/** The registry snapshot `jarvis ha snapshot` writes and the router and simulator read. */
export const registrySnapshotSchema = z
  .object({
    floors: z.array(snapshotFloorSchema).default([]),
    areas: z.array(snapshotAreaSchema).default([]),
    devices: z.array(snapshotDeviceSchema).optional(),
    entities: z.array(snapshotEntitySchema),
  })
  .superRefine((snap, ctx) => {
    const floors = new Set(snap.floors.map((f) => f.floor_id));
    const areas = new Set(snap.areas.map((a) => a.area_id));
    const seen = new Set<string>();
    snap.areas.forEach((a, i) => {
      if (a.floor_id !== null && !floors.has(a.floor_id)) {
        ctx.addIssue({ code: 'custom', path: ['areas', i, 'floor_id'], message: `unknown floor "${a.floor_id}"` });
      }
    });
    snap.entities.forEach((e, i) => {
      if (seen.has(e.entity_id)) ctx.addIssue({ code: 'custom', path: ['entities', i, 'entity_id'], message: `duplicate entity "${e.entity_id}"` });
      seen.add(e.entity_id);
      if (e.area_id !== null && !areas.has(e.area_id)) {
        ctx.addIssue({ code: 'custom', path: ['entities', i, 'area_id'], message: `unknown area "${e.area_id}"` });
      }
    });
  });

/** A floor of a snapshot. */
export type SnapshotFloor = z.infer<typeof snapshotFloorSchema>;
/** An area of a snapshot. */
export type SnapshotArea = z.infer<typeof snapshotAreaSchema>;
/** A device of a snapshot. */
export type SnapshotDevice = z.infer<typeof snapshotDeviceSchema>;
/** An entity of a snapshot. */
export type SnapshotEntity = z.infer<typeof snapshotEntitySchema>;
/** A whole registry snapshot. */
export type RegistrySnapshot = z.infer<typeof registrySnapshotSchema>;

/** Validates a parsed JSON value as a snapshot; throws JARVIS_HA_BAD_SNAPSHOT listing every problem with its path. */
export function parseRegistrySnapshot(value: unknown, where = 'snapshot'): RegistrySnapshot {
  const result = registrySnapshotSchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new HomeAssistantError('JARVIS_HA_BAD_SNAPSHOT', `${where} is not a valid registry snapshot:\n  ${lines.join('\n  ')}`);
}

/** Reads and validates a snapshot file. */
export function loadRegistrySnapshot(path: string): RegistrySnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HomeAssistantError('JARVIS_HA_BAD_SNAPSHOT', `cannot read registry snapshot ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HomeAssistantError('JARVIS_HA_BAD_SNAPSHOT', `${path} is not JSON: ${(err as Error).message}`);
  }
  return parseRegistrySnapshot(json, path);
}

/** The domain part of an entity id (`light` of `light.kitchen`). */
export function domainOf(entityId: string): string {
  const dot = entityId.indexOf('.');
  return dot < 0 ? entityId : entityId.slice(0, dot);
}
