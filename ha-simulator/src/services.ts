import { z } from 'zod';

/** A service failure the simulator reports with Home Assistant's websocket error code. */
export class SimulatedServiceError extends Error {
  constructor(
    /** `invalid_format`, `service_validation_error`, `home_assistant_error`, `not_found`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A to-do item as Home Assistant's `todo/item/list` returns it. */
export interface TodoItem {
  uid: string;
  summary: string;
  status: 'needs_action' | 'completed';
  description?: string | null;
  due?: string | null;
}

/** What a service may read and change for one entity. */
export interface EntityView {
  entityId: string;
  state: string;
  attributes: Record<string, unknown>;
  todo?: TodoItem[];
}

/** The outcome for one entity: its next state and attributes (unchanged objects mean no change). */
export interface EntityChange {
  state: string;
  attributes: Record<string, unknown>;
}

interface ServiceDef {
  /** Extra fields besides the targeting ones; unknown extra keys are rejected as Home Assistant's schemas do. */
  fields: z.ZodObject;
  /** Domains of entities the service acts on (`homeassistant` services act on any). */
  apply(entity: EntityView, data: Record<string, unknown>, now: Date): EntityChange | undefined;
  /** Data a `return_response` call answers with, per entity. */
  response?(entity: EntityView, data: Record<string, unknown>): unknown;
}

const onOff = (state: 'on' | 'off') => (e: EntityView): EntityChange => ({ state, attributes: e.attributes });
const toggle = (e: EntityView): EntityChange => ({ state: e.state === 'on' ? 'off' : 'on', attributes: e.attributes });
const empty = z.object({});
const num = (min: number, max: number) => z.number({ error: 'expected float' }).min(min).max(max);

const NAMED_COLORS: Record<string, [number, number, number]> = {
  red: [255, 0, 0], green: [0, 128, 0], blue: [0, 0, 255], yellow: [255, 255, 0], orange: [255, 165, 0],
  purple: [128, 0, 128], pink: [255, 192, 203], white: [255, 255, 255], warm_white: [255, 180, 107],
  cyan: [0, 255, 255], magenta: [255, 0, 255], violet: [238, 130, 238], turquoise: [64, 224, 208],
};

function lightOn(e: EntityView, d: Record<string, unknown>): EntityChange {
  const attrs = { ...e.attributes, color_mode: 'rgb' } as Record<string, unknown>;
  if (typeof d['brightness_pct'] === 'number') {
    if (d['brightness_pct'] === 0) return { state: 'off', attributes: { ...e.attributes, brightness: null, color_mode: null } };
    attrs['brightness'] = Math.round((d['brightness_pct'] * 255) / 100);
  } else if (typeof d['brightness'] === 'number') {
    if (d['brightness'] === 0) return { state: 'off', attributes: { ...e.attributes, brightness: null, color_mode: null } };
    attrs['brightness'] = d['brightness'];
  } else if (attrs['brightness'] == null) {
    attrs['brightness'] = 255;
  }
  if (Array.isArray(d['rgb_color'])) attrs['rgb_color'] = d['rgb_color'];
  else if (typeof d['color_name'] === 'string') {
    const rgb = NAMED_COLORS[d['color_name'].replace(/\s+/g, '_').toLowerCase()];
    if (!rgb) throw new SimulatedServiceError('invalid_format', `Unknown color ${String(d['color_name'])} @ data['color_name']`);
    attrs['rgb_color'] = rgb;
  } else if (attrs['rgb_color'] == null) attrs['rgb_color'] = [255, 255, 255];
  return { state: 'on', attributes: attrs };
}

/** A cover or a valve moved to a position: open unless fully closed (both keep `current_position`). */
function coverTo(position: number) {
  return (e: EntityView): EntityChange => ({
    state: position > 0 ? 'open' : 'closed',
    attributes: { ...e.attributes, current_position: position },
  });
}

function mediaTrack(step: number) {
  return (e: EntityView): EntityChange => {
    const track = Number(e.attributes['media_track'] ?? 1) + step;
    return { state: 'playing', attributes: { ...e.attributes, media_track: Math.max(1, track), media_title: `Track ${Math.max(1, track)}` } };
  };
}

function todoCount(items: TodoItem[]): string {
  return String(items.filter((i) => i.status === 'needs_action').length);
}

function findItem(items: TodoItem[], key: string): TodoItem | undefined {
  return items.find((i) => i.uid === key) ?? items.find((i) => i.summary.toLowerCase() === key.toLowerCase());
}

let uidCounter = 0;

const lightFields = z.object({
  brightness: z.number().int().min(0).max(255).optional(),
  brightness_pct: z.number().min(0).max(100).optional(),
  rgb_color: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]).optional(),
  color_name: z.string().optional(),
  color_temp_kelvin: z.number().optional(),
  transition: z.number().min(0).optional(),
});

const onOffDomain = { turn_on: { fields: empty, apply: onOff('on') }, turn_off: { fields: empty, apply: onOff('off') }, toggle: { fields: empty, apply: toggle } };

/** Service table of the simulator, per domain: the fields each accepts and how it changes an entity. */
export const SERVICES: Record<string, Record<string, ServiceDef>> = {
  homeassistant: {
    turn_on: { fields: empty, apply: (e) => genericOnOff(e, true) },
    turn_off: { fields: empty, apply: (e) => genericOnOff(e, false) },
    toggle: { fields: empty, apply: (e) => genericOnOff(e, !['on', 'open', 'locked', 'playing'].includes(e.state)) },
  },
  light: {
    turn_on: { fields: lightFields, apply: lightOn },
    turn_off: { fields: z.object({ transition: z.number().min(0).optional() }), apply: (e) => ({ state: 'off', attributes: { ...e.attributes, brightness: null, color_mode: null } }) },
    toggle: { fields: lightFields, apply: (e, d) => (e.state === 'on' ? { state: 'off', attributes: { ...e.attributes, brightness: null } } : lightOn(e, d)) },
  },
  switch: onOffDomain,
  input_boolean: onOffDomain,
  fan: {
    turn_on: { fields: z.object({ percentage: num(0, 100).optional() }), apply: (e, d) => ({ state: 'on', attributes: { ...e.attributes, percentage: d['percentage'] ?? 100 } }) },
    turn_off: { fields: empty, apply: (e) => ({ state: 'off', attributes: { ...e.attributes, percentage: 0 } }) },
    toggle: { fields: empty, apply: (e) => ({ state: e.state === 'on' ? 'off' : 'on', attributes: { ...e.attributes, percentage: e.state === 'on' ? 0 : 100 } }) },
    set_percentage: { fields: z.object({ percentage: num(0, 100) }), apply: (e, d) => ({ state: d['percentage'] === 0 ? 'off' : 'on', attributes: { ...e.attributes, percentage: d['percentage'] } }) },
  },
  climate: {
    set_temperature: {
      fields: z.object({ temperature: z.number({ error: 'expected float' }), hvac_mode: z.string().optional() }),
      apply: (e, d) => {
        const t = d['temperature'] as number;
        const min = Number(e.attributes['min_temp'] ?? 7);
        const max = Number(e.attributes['max_temp'] ?? 35);
        if (t < min || t > max) {
          throw new SimulatedServiceError('service_validation_error', `Provided temperature ${t} is not valid. Accepted range is ${min} to ${max}.`);
        }
        return { state: (d['hvac_mode'] as string | undefined) ?? e.state, attributes: { ...e.attributes, temperature: t } };
      },
    },
    set_hvac_mode: { fields: z.object({ hvac_mode: z.enum(['off', 'heat', 'cool', 'heat_cool', 'auto', 'dry', 'fan_only']) }), apply: (e, d) => ({ state: d['hvac_mode'] as string, attributes: e.attributes }) },
    turn_on: { fields: empty, apply: (e) => ({ state: e.state === 'off' ? 'heat' : e.state, attributes: e.attributes }) },
    turn_off: { fields: empty, apply: (e) => ({ state: 'off', attributes: e.attributes }) },
  },
  cover: {
    open_cover: { fields: empty, apply: coverTo(100) },
    close_cover: { fields: empty, apply: coverTo(0) },
    stop_cover: { fields: empty, apply: (e) => ({ state: e.state, attributes: e.attributes }) },
    toggle: { fields: empty, apply: (e) => coverTo(e.state === 'closed' ? 100 : 0)(e) },
    set_cover_position: { fields: z.object({ position: z.number().int().min(0).max(100) }), apply: (e, d) => coverTo(d['position'] as number)(e) },
  },
  valve: {
    open_valve: { fields: empty, apply: coverTo(100) },
    close_valve: { fields: empty, apply: coverTo(0) },
    stop_valve: { fields: empty, apply: (e) => ({ state: e.state, attributes: e.attributes }) },
    toggle: { fields: empty, apply: (e) => coverTo(e.state === 'closed' ? 100 : 0)(e) },
    set_valve_position: { fields: z.object({ position: z.number().int().min(0).max(100) }), apply: (e, d) => coverTo(d['position'] as number)(e) },
  },
  lock: {
    lock: { fields: z.object({ code: z.string().optional() }), apply: (e) => ({ state: 'locked', attributes: e.attributes }) },
    unlock: { fields: z.object({ code: z.string().optional() }), apply: (e) => ({ state: 'unlocked', attributes: e.attributes }) },
    open: { fields: z.object({ code: z.string().optional() }), apply: (e) => ({ state: 'open', attributes: e.attributes }) },
  },
  alarm_control_panel: {
    alarm_arm_away: { fields: z.object({ code: z.string().optional() }), apply: (e) => ({ state: 'armed_away', attributes: e.attributes }) },
    alarm_arm_home: { fields: z.object({ code: z.string().optional() }), apply: (e) => ({ state: 'armed_home', attributes: e.attributes }) },
    alarm_disarm: { fields: z.object({ code: z.string().optional() }), apply: (e) => ({ state: 'disarmed', attributes: e.attributes }) },
  },
  media_player: {
    turn_on: { fields: empty, apply: (e) => ({ state: 'idle', attributes: e.attributes }) },
    turn_off: { fields: empty, apply: (e) => ({ state: 'off', attributes: e.attributes }) },
    toggle: { fields: empty, apply: (e) => ({ state: e.state === 'off' ? 'idle' : 'off', attributes: e.attributes }) },
    volume_set: { fields: z.object({ volume_level: num(0, 1) }), apply: (e, d) => ({ state: e.state, attributes: { ...e.attributes, volume_level: d['volume_level'] } }) },
    volume_up: { fields: empty, apply: (e) => ({ state: e.state, attributes: { ...e.attributes, volume_level: Math.min(1, Math.round((Number(e.attributes['volume_level'] ?? 0) + 0.1) * 100) / 100) } }) },
    volume_down: { fields: empty, apply: (e) => ({ state: e.state, attributes: { ...e.attributes, volume_level: Math.max(0, Math.round((Number(e.attributes['volume_level'] ?? 0) - 0.1) * 100) / 100) } }) },
    volume_mute: { fields: z.object({ is_volume_muted: z.boolean() }), apply: (e, d) => ({ state: e.state, attributes: { ...e.attributes, is_volume_muted: d['is_volume_muted'] } }) },
    media_play: { fields: empty, apply: (e) => ({ state: 'playing', attributes: e.attributes }) },
    media_pause: { fields: empty, apply: (e) => ({ state: 'paused', attributes: e.attributes }) },
    media_play_pause: { fields: empty, apply: (e) => ({ state: e.state === 'playing' ? 'paused' : 'playing', attributes: e.attributes }) },
    media_stop: { fields: empty, apply: (e) => ({ state: 'idle', attributes: e.attributes }) },
    media_next_track: { fields: empty, apply: mediaTrack(1) },
    play_media: {
      fields: z.object({ media_content_id: z.string().min(1), media_content_type: z.string().min(1), enqueue: z.enum(['add', 'next', 'play', 'replace']).optional(), announce: z.boolean().optional() }),
      apply: (e, d) => ({ state: 'playing', attributes: { ...e.attributes, media_content_id: d['media_content_id'], media_content_type: d['media_content_type'], media_title: d['media_content_id'] } }),
    },
    media_previous_track: { fields: empty, apply: mediaTrack(-1) },
  },
  vacuum: {
    start: { fields: empty, apply: (e) => ({ state: 'cleaning', attributes: e.attributes }) },
    pause: { fields: empty, apply: (e) => ({ state: 'paused', attributes: e.attributes }) },
    stop: { fields: empty, apply: (e) => ({ state: 'idle', attributes: e.attributes }) },
    return_to_base: { fields: empty, apply: (e) => ({ state: 'returning', attributes: e.attributes }) },
  },
  lawn_mower: {
    start_mowing: { fields: empty, apply: (e) => ({ state: 'mowing', attributes: e.attributes }) },
    pause: { fields: empty, apply: (e) => ({ state: 'paused', attributes: e.attributes }) },
    dock: { fields: empty, apply: (e) => ({ state: 'returning', attributes: e.attributes }) },
  },
  assist_satellite: {
    // Speaks on the satellite; its state goes to `announcing` and back, which the simulator does not model.
    announce: { fields: z.object({ message: z.string().optional(), media_id: z.string().optional(), preannounce: z.boolean().optional(), preannounce_media_id: z.string().optional() }), apply: () => undefined },
  },
  scene: {
    turn_on: { fields: z.object({ transition: z.number().optional() }), apply: (e, _d, now) => ({ state: now.toISOString(), attributes: e.attributes }) },
  },
  todo: {
    add_item: {
      fields: z.object({ item: z.string().min(1), due_date: z.string().optional(), due_datetime: z.string().optional(), description: z.string().optional() }),
      apply: (e, d) => {
        const items = e.todo ?? [];
        items.push({ uid: `item-${++uidCounter}`, summary: d['item'] as string, status: 'needs_action', description: (d['description'] as string | undefined) ?? null, due: (d['due_date'] ?? d['due_datetime'] ?? null) as string | null });
        e.todo = items;
        return { state: todoCount(items), attributes: e.attributes };
      },
    },
    update_item: {
      fields: z.object({ item: z.string().min(1), rename: z.string().min(1).optional(), status: z.enum(['needs_action', 'completed']).optional(), description: z.string().optional() }),
      apply: (e, d) => {
        const items = e.todo ?? [];
        const found = findItem(items, d['item'] as string);
        if (!found) throw new SimulatedServiceError('service_validation_error', `Unable to find To-do item '${String(d['item'])}'`);
        if (typeof d['rename'] === 'string') found.summary = d['rename'];
        if (typeof d['status'] === 'string') found.status = d['status'] as TodoItem['status'];
        if (typeof d['description'] === 'string') found.description = d['description'];
        return { state: todoCount(items), attributes: e.attributes };
      },
    },
    remove_item: {
      fields: z.object({ item: z.union([z.string().min(1), z.array(z.string().min(1))]) }),
      apply: (e, d) => {
        const items = e.todo ?? [];
        const keys = Array.isArray(d['item']) ? (d['item'] as string[]) : [d['item'] as string];
        for (const key of keys) {
          const found = findItem(items, key);
          if (!found) throw new SimulatedServiceError('service_validation_error', `Unable to find To-do item '${key}'`);
          items.splice(items.indexOf(found), 1);
        }
        return { state: todoCount(items), attributes: e.attributes };
      },
    },
    get_items: {
      fields: z.object({ status: z.array(z.enum(['needs_action', 'completed'])).optional() }),
      apply: () => undefined,
      response: (e, d) => {
        const wanted = d['status'] as string[] | undefined;
        return { items: (e.todo ?? []).filter((i) => !wanted || wanted.includes(i.status)).map(({ uid, summary, status, description, due }) => ({ uid, summary, status, description, due })) };
      },
    },
  },
};

function genericOnOff(e: EntityView, on: boolean): EntityChange | undefined {
  const domain = e.entityId.slice(0, e.entityId.indexOf('.'));
  const service = domain === 'cover' ? (on ? 'open_cover' : 'close_cover') : domain === 'valve' ? (on ? 'open_valve' : 'close_valve') : domain === 'lock' ? (on ? 'lock' : 'unlock') : on ? 'turn_on' : 'turn_off';
  const def = SERVICES[domain]?.[service];
  return def ? def.apply(e, {}, new Date()) : undefined;
}

/** The service description `get_services` returns for every simulated service. */
export function describeServices(): Record<string, Record<string, { name: string; description: string; fields: Record<string, unknown>; target?: unknown }>> {
  const out: Record<string, Record<string, { name: string; description: string; fields: Record<string, unknown>; target?: unknown }>> = {};
  for (const [domain, services] of Object.entries(SERVICES)) {
    out[domain] = {};
    for (const [service, def] of Object.entries(services)) {
      const fields: Record<string, unknown> = {};
      for (const key of Object.keys(def.fields.shape)) fields[key] = { selector: {} };
      out[domain][service] = {
        name: service.replace(/_/g, ' '),
        description: `Simulated ${domain}.${service}`,
        fields,
        target: { entity: [{ domain: domain === 'homeassistant' ? [] : [domain] }] },
      };
    }
  }
  return out;
}
