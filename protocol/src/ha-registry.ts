import { z } from 'zod';

/*
 * Home Assistant's registry as a snapshot: the shape `jarvis ha snapshot` writes and the hub's router and the
 * HA simulator (@jarvis/ha-simulator) read. Pure schemas and types; reading files and reporting errors is the
 * reader's business.
 */

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

/** The domain part of an entity id (`light` of `light.kitchen`). */
export function domainOf(entityId: string): string {
  const dot = entityId.indexOf('.');
  return dot < 0 ? entityId : entityId.slice(0, dot);
}
