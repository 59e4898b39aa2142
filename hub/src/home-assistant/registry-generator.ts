import type { RegistrySnapshot, SnapshotEntity } from './registry-snapshot.js';

const ROOMS = [
  'Kitchen', 'Living Room', 'Dining Room', 'Hallway', 'Garage', 'Bedroom', 'Guest Room', 'Bathroom', 'Office', 'Laundry',
  'Attic', 'Porch', 'Pantry', 'Library', 'Gym', 'Studio', 'Workshop', 'Nursery', 'Playroom', 'Cellar',
];
const FIXTURES: Array<{ domain: string; noun: string; deviceClass?: string; state: string; attributes: Record<string, unknown> }> = [
  { domain: 'light', noun: 'Ceiling Light', state: 'off', attributes: { supported_color_modes: ['rgb'], brightness: null } },
  { domain: 'light', noun: 'Lamp', state: 'on', attributes: { supported_color_modes: ['rgb'], brightness: 200 } },
  { domain: 'light', noun: 'Strip', state: 'off', attributes: { supported_color_modes: ['rgb'], brightness: null } },
  { domain: 'switch', noun: 'Plug', deviceClass: 'outlet', state: 'off', attributes: {} },
  { domain: 'fan', noun: 'Fan', state: 'off', attributes: { percentage: 0 } },
  { domain: 'cover', noun: 'Blinds', deviceClass: 'blind', state: 'open', attributes: { current_position: 100 } },
  { domain: 'climate', noun: 'Radiator', state: 'heat', attributes: { current_temperature: 19, temperature: 20 } },
  { domain: 'media_player', noun: 'Speaker', deviceClass: 'speaker', state: 'idle', attributes: { volume_level: 0.3 } },
  { domain: 'sensor', noun: 'Temperature', deviceClass: 'temperature', state: '20.1', attributes: { unit_of_measurement: '°C' } },
  { domain: 'sensor', noun: 'Humidity', deviceClass: 'humidity', state: '48', attributes: { unit_of_measurement: '%' } },
];

/**
 * A synthetic registry of `count` entities spread over `floors` floors and rooms named like real homes (for the
 * router benchmark and scale tests). Deterministic: the same arguments give the same snapshot.
 */
export function generateRegistry(count: number, { floors = 4, areasPerFloor = 10 } = {}): RegistrySnapshot {
  const snap: RegistrySnapshot = { floors: [], areas: [], entities: [] };
  for (let f = 0; f < floors; f++) {
    snap.floors.push({ floor_id: `floor_${f}`, name: f === 0 ? 'Ground Floor' : `Floor ${f}`, aliases: [], level: f });
    for (let a = 0; a < areasPerFloor; a++) {
      const room = ROOMS[(f * areasPerFloor + a) % ROOMS.length]!;
      const round = Math.floor((f * areasPerFloor + a) / ROOMS.length);
      const name = round === 0 ? room : `${room} ${round + 1}`;
      snap.areas.push({ area_id: `area_${f}_${a}`, name, aliases: [], floor_id: `floor_${f}` });
    }
  }
  for (let i = 0; i < count; i++) {
    const area = snap.areas[i % snap.areas.length]!;
    const fixture = FIXTURES[Math.floor(i / snap.areas.length) % FIXTURES.length]!;
    const serial = Math.floor(i / (snap.areas.length * FIXTURES.length));
    const name = `${area.name} ${fixture.noun}${serial ? ` ${serial + 1}` : ''}`;
    const entity: SnapshotEntity = {
      entity_id: `${fixture.domain}.e${i}`,
      name,
      aliases: [],
      area_id: area.area_id,
      state: fixture.state,
      attributes: { friendly_name: name, ...fixture.attributes },
      exposed: i % 10 !== 9,
    };
    if (fixture.deviceClass) entity.device_class = fixture.deviceClass;
    snap.entities.push(entity);
  }
  return snap;
}
