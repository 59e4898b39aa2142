/**
 * The words Home Assistant takes for a binary sensor's state, per device class, and the state it stores
 * ("on"/"off"). Facts read from home-assistant/intents `sentences/en` (the `bs_<class>_states` lists its
 * binary-sensor questions use: "is the patio door open" asks `state: on` of a door sensor), written as our own table.
 * A word not listed for the class has no mapping: it stays as said.
 */
const ON_OFF: Readonly<Record<string, readonly [on: readonly string[], off: readonly string[]]>> = {
  battery: [['low'], ['normal', 'charged']],
  battery_charging: [['charging'], ['not charging']],
  carbon_monoxide: [['detected', 'triggered', 'on'], ['clear']],
  cold: [['cold'], ['normal']],
  connectivity: [['connected'], ['disconnected']],
  door: [['open'], ['closed', 'shut']],
  garage_door: [['open'], ['closed', 'shut']],
  gas: [['detected', 'triggered', 'on'], ['clear']],
  heat: [['hot'], ['normal']],
  light: [['detected'], ['no light']],
  lock: [['unlocked'], ['locked']],
  moisture: [['wet'], ['dry']],
  motion: [['detected', 'triggered', 'on'], ['clear']],
  occupancy: [['detected', 'triggered', 'on'], ['clear']],
  opening: [['open'], ['closed', 'shut']],
  plug: [['plugged in'], ['unplugged']],
  power: [['powered', 'powered on', 'power detected'], ['not powered', 'powered off']],
  presence: [['home', 'present'], ['away', 'not home', 'gone']],
  problem: [['detected'], ['ok']],
  running: [['running'], ['not running']],
  safety: [['unsafe'], ['safe']],
  smoke: [['detected', 'triggered', 'on'], ['clear']],
  sound: [['detected', 'triggered', 'on'], ['clear']],
  tamper: [['detected', 'tampered with'], ['clear']],
  update: [['update available'], ['up to date', 'up-to-date']],
  vibration: [['detected', 'vibrating'], ['clear', 'not vibrating']],
  window: [['open'], ['closed', 'shut']],
};

/**
 * The word a person uses for a binary sensor's stored state ("on" of a door is "open", of a moisture sensor "wet"):
 * the first word Home Assistant lists for that class and state; the state itself where the class has none.
 */
export function binarySensorWord(state: string, deviceClass: string | undefined): string {
  const lists = deviceClass ? ON_OFF[deviceClass] : undefined;
  if (!lists || (state !== 'on' && state !== 'off')) return state;
  return lists[state === 'on' ? 0 : 1][0] ?? state;
}

/** Device classes whose "on" is said "open" (a door, window or opening contact). */
export const OPENING_CLASSES: readonly string[] = ['door', 'garage_door', 'opening', 'window'];

/**
 * Home Assistant's stored state ("on"/"off") for a state word said of a binary sensor of a device class, where Home
 * Assistant defines that word for that class; "on"/"off" themselves are always the stored states. Undefined
 * otherwise. Underscores are read as spaces (`not_home` is "not home").
 */
export function binarySensorState(said: string, deviceClass: string | undefined): 'on' | 'off' | undefined {
  const word = said.toLowerCase().trim().replace(/_/g, ' ');
  if (word === 'on' || word === 'off') return word;
  const lists = deviceClass ? ON_OFF[deviceClass] : undefined;
  if (!lists) return undefined;
  if (lists[0].includes(word)) return 'on';
  if (lists[1].includes(word)) return 'off';
  return undefined;
}
