import type { Connection, HassEntities, HassEntity } from 'home-assistant-js-websocket';
import { getStates } from 'home-assistant-js-websocket';
import { parseRegistrySnapshot, type RegistrySnapshot, type SnapshotEntity } from './registry-snapshot.js';

/** An entry of `config/entity_registry/get_entries` (the extended form, which has aliases and device classes). */
export interface EntityRegistryEntry {
  entity_id: string;
  name: string | null;
  original_name?: string | null;
  aliases?: string[];
  area_id: string | null;
  device_id: string | null;
  device_class?: string | null;
  original_device_class?: string | null;
  disabled_by?: string | null;
  options?: { conversation?: { should_expose?: boolean } };
}

/** What Home Assistant's registries say, fetched over the websocket API. */
export interface LiveRegistry {
  floors: Array<{ floor_id: string; name: string; aliases?: string[]; level?: number | null }>;
  areas: Array<{ area_id: string; name: string; aliases?: string[]; floor_id?: string | null }>;
  devices: Array<{ id: string; name: string | null; name_by_user?: string | null; area_id: string | null; manufacturer?: string | null; model?: string | null }>;
  entities: Record<string, EntityRegistryEntry | null>;
  /** `homeassistant/expose_entity/list`: whether each entity is exposed to Assist (`conversation`). */
  exposed: Record<string, boolean>;
}

/** Fetches floors, areas, devices, entity registry entries and exposure from a connected Home Assistant. */
export async function fetchLiveRegistry(conn: Connection): Promise<LiveRegistry> {
  const send = <T>(type: string, extra: Record<string, unknown> = {}): Promise<T> => conn.sendMessagePromise<T>({ type, ...extra });
  const [floors, areas, devices, list] = await Promise.all([
    send<LiveRegistry['floors']>('config/floor_registry/list').catch(() => []), // floors exist since HA 2024.4
    send<LiveRegistry['areas']>('config/area_registry/list'),
    send<LiveRegistry['devices']>('config/device_registry/list'),
    send<Array<{ entity_id: string }>>('config/entity_registry/list'),
  ]);
  const ids = list.map((e) => e.entity_id);
  const [entities, exposure] = await Promise.all([
    ids.length ? send<Record<string, EntityRegistryEntry | null>>('config/entity_registry/get_entries', { entity_ids: ids }) : Promise.resolve({}),
    send<{ exposed_entities: Record<string, { conversation?: boolean }> }>('homeassistant/expose_entity/list').catch(() => ({ exposed_entities: {} })),
  ]);
  const exposed: Record<string, boolean> = {};
  for (const [eid, v] of Object.entries(exposure.exposed_entities)) if (typeof v.conversation === 'boolean') exposed[eid] = v.conversation;
  return { floors, areas, devices, entities, exposed };
}

function entityFromState(state: HassEntity, live: LiveRegistry): SnapshotEntity {
  const entry = live.entities[state.entity_id] ?? null;
  const device = entry?.device_id ? live.devices.find((d) => d.id === entry.device_id) : undefined;
  const objectId = state.entity_id.slice(state.entity_id.indexOf('.') + 1);
  const deviceClass = entry?.device_class ?? entry?.original_device_class ?? (state.attributes['device_class'] as string | undefined) ?? null;
  const exposed = live.exposed[state.entity_id] ?? entry?.options?.conversation?.should_expose;
  const out: SnapshotEntity = {
    entity_id: state.entity_id,
    name: entry?.name ?? (state.attributes.friendly_name as string | undefined) ?? entry?.original_name ?? objectId.replace(/_/g, ' '),
    aliases: entry?.aliases ?? [],
    area_id: entry?.area_id ?? device?.area_id ?? null,
    state: state.state,
    attributes: state.attributes,
  };
  if (entry?.device_id) out.device_id = entry.device_id;
  if (deviceClass) out.device_class = deviceClass;
  if (exposed !== undefined) out.exposed = exposed;
  return out;
}

/** Joins registries and current states into a registry snapshot (entity area falls back to its device's area). */
export function buildRegistrySnapshot(live: LiveRegistry, states: HassEntities): RegistrySnapshot {
  const areaIds = new Set(live.areas.map((a) => a.area_id));
  const entities = Object.values(states)
    .map((s) => entityFromState(s, live))
    .map((e) => (e.area_id !== null && !areaIds.has(e.area_id) ? { ...e, area_id: null } : e))
    .sort((a, b) => a.entity_id.localeCompare(b.entity_id));
  return parseRegistrySnapshot({
    floors: live.floors.map((f) => ({ floor_id: f.floor_id, name: f.name, aliases: f.aliases ?? [], level: f.level ?? null })),
    areas: live.areas.map((a) => ({ area_id: a.area_id, name: a.name, aliases: a.aliases ?? [], floor_id: a.floor_id ?? null })),
    devices: live.devices.map((d) => ({ id: d.id, name: d.name_by_user ?? d.name ?? d.id, area_id: d.area_id, manufacturer: d.manufacturer ?? null, model: d.model ?? null })),
    entities,
  }, 'Home Assistant registry');
}

/** A snapshot of a live Home Assistant in one go (what `jarvis ha snapshot` writes). */
export async function fetchRegistrySnapshot(conn: Connection): Promise<RegistrySnapshot> {
  const [live, states] = await Promise.all([fetchLiveRegistry(conn), getStates(conn)]);
  const byId: HassEntities = {};
  for (const s of states) byId[s.entity_id] = s;
  return buildRegistrySnapshot(live, byId);
}
