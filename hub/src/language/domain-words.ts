/** A spoken word for a kind of entity: "lights" → light, "garage door" → cover/garage, "door" → cover/door or lock. */
export interface DomainWord {
  phrase: string;
  kinds: Array<{ domain: string; deviceClass?: string }>;
  /** Said after a place often enough for a speech grammar to list it ("kitchen lights"). */
  common?: boolean;
}

/**
 * The one list of domain and device-class words (singular; the matcher is plural-insensitive). Tier 0 resolves
 * targets with it, the speech grammar and whisper's prompt say its phrases after area names.
 */
export const DOMAIN_WORDS: readonly DomainWord[] = [
  { phrase: 'light', common: true, kinds: [{ domain: 'light' }] },
  { phrase: 'lamp', common: true, kinds: [{ domain: 'light' }] },
  { phrase: 'lighting', kinds: [{ domain: 'light' }] },
  { phrase: 'bulb', kinds: [{ domain: 'light' }] },
  { phrase: 'fan', common: true, kinds: [{ domain: 'fan' }] },
  { phrase: 'switch', kinds: [{ domain: 'switch' }] },
  { phrase: 'plug', kinds: [{ domain: 'switch' }] },
  { phrase: 'socket', kinds: [{ domain: 'switch' }] },
  { phrase: 'outlet', kinds: [{ domain: 'switch', deviceClass: 'outlet' }] },
  { phrase: 'blind', common: true, kinds: [{ domain: 'cover', deviceClass: 'blind' }] },
  { phrase: 'shade', common: true, kinds: [{ domain: 'cover', deviceClass: 'shade' }] },
  { phrase: 'shutter', kinds: [{ domain: 'cover', deviceClass: 'shutter' }] },
  { phrase: 'curtain', common: true, kinds: [{ domain: 'cover', deviceClass: 'curtain' }] },
  { phrase: 'drape', kinds: [{ domain: 'cover', deviceClass: 'curtain' }] },
  { phrase: 'awning', kinds: [{ domain: 'cover', deviceClass: 'awning' }] },
  { phrase: 'window', kinds: [{ domain: 'cover', deviceClass: 'window' }, { domain: 'binary_sensor', deviceClass: 'window' }] },
  { phrase: 'garage door', kinds: [{ domain: 'cover', deviceClass: 'garage' }, { domain: 'binary_sensor', deviceClass: 'garage_door' }] },
  { phrase: 'garage', kinds: [{ domain: 'cover', deviceClass: 'garage' }] },
  { phrase: 'gate', kinds: [{ domain: 'cover', deviceClass: 'gate' }] },
  { phrase: 'door', kinds: [{ domain: 'cover', deviceClass: 'door' }, { domain: 'lock' }, { domain: 'binary_sensor', deviceClass: 'door' }] },
  { phrase: 'cover', kinds: [{ domain: 'cover' }] },
  { phrase: 'valve', kinds: [{ domain: 'valve' }] },
  { phrase: 'tv', common: true, kinds: [{ domain: 'media_player', deviceClass: 'tv' }] },
  { phrase: 'television', kinds: [{ domain: 'media_player', deviceClass: 'tv' }] },
  { phrase: 'speaker', common: true, kinds: [{ domain: 'media_player', deviceClass: 'speaker' }] },
  { phrase: 'music', kinds: [{ domain: 'media_player' }] },
  { phrase: 'media', kinds: [{ domain: 'media_player' }] },
  { phrase: 'media player', kinds: [{ domain: 'media_player' }] },
  { phrase: 'player', kinds: [{ domain: 'media_player' }] },
  { phrase: 'radio', kinds: [{ domain: 'media_player' }] },
  { phrase: 'stereo', kinds: [{ domain: 'media_player' }] },
  { phrase: 'thermostat', kinds: [{ domain: 'climate' }] },
  { phrase: 'heating', common: true, kinds: [{ domain: 'climate' }] },
  { phrase: 'heat', kinds: [{ domain: 'climate' }] },
  { phrase: 'heater', kinds: [{ domain: 'climate' }, { domain: 'switch' }] },
  { phrase: 'cooling', kinds: [{ domain: 'climate' }] },
  { phrase: 'air con', kinds: [{ domain: 'climate' }] },
  { phrase: 'radiator', kinds: [{ domain: 'climate' }] },
  { phrase: 'air conditioning', kinds: [{ domain: 'climate' }] },
  { phrase: 'air conditioner', kinds: [{ domain: 'climate' }] },
  { phrase: 'ac', kinds: [{ domain: 'climate' }] },
  { phrase: 'temperature', kinds: [{ domain: 'sensor', deviceClass: 'temperature' }, { domain: 'climate' }] },
  { phrase: 'temperature sensor', kinds: [{ domain: 'sensor', deviceClass: 'temperature' }] },
  { phrase: 'humidity', kinds: [{ domain: 'sensor', deviceClass: 'humidity' }] },
  { phrase: 'humidity sensor', kinds: [{ domain: 'sensor', deviceClass: 'humidity' }] },
  { phrase: 'battery', kinds: [{ domain: 'sensor', deviceClass: 'battery' }] },
  { phrase: 'battery level', kinds: [{ domain: 'sensor', deviceClass: 'battery' }] },
  { phrase: 'power', kinds: [{ domain: 'sensor', deviceClass: 'power' }] },
  { phrase: 'motion sensor', kinds: [{ domain: 'binary_sensor', deviceClass: 'motion' }] },
  { phrase: 'motion', kinds: [{ domain: 'binary_sensor', deviceClass: 'motion' }] },
  { phrase: 'leak', kinds: [{ domain: 'binary_sensor', deviceClass: 'moisture' }] },
  { phrase: 'leak sensor', kinds: [{ domain: 'binary_sensor', deviceClass: 'moisture' }] },
  { phrase: 'co2', kinds: [{ domain: 'sensor', deviceClass: 'carbon_dioxide' }] },
  { phrase: 'carbon dioxide', kinds: [{ domain: 'sensor', deviceClass: 'carbon_dioxide' }] },
  { phrase: 'sensor', kinds: [{ domain: 'sensor' }, { domain: 'binary_sensor' }] },
  { phrase: 'lock', kinds: [{ domain: 'lock' }] },
  { phrase: 'alarm', kinds: [{ domain: 'alarm_control_panel' }] },
  { phrase: 'scene', kinds: [{ domain: 'scene' }] },
  { phrase: 'list', kinds: [{ domain: 'todo' }] },
  { phrase: 'vacuum', kinds: [{ domain: 'vacuum' }] },
  { phrase: 'hoover', kinds: [{ domain: 'vacuum' }] },
  { phrase: 'mower', kinds: [{ domain: 'lawn_mower' }] },
  { phrase: 'lawn mower', kinds: [{ domain: 'lawn_mower' }] },
  { phrase: 'humidifier', kinds: [{ domain: 'humidifier' }] },
  { phrase: 'dehumidifier', kinds: [{ domain: 'humidifier' }] },
];

const UNCOUNTED = new Set(['heat', 'cooling', 'air con', 'media', 'music', 'lighting', 'heating', 'temperature', 'humidity', 'power', 'air conditioning', 'tv', 'co2', 'carbon dioxide', 'motion']);

/** The phrases with their plurals ("light", "lights"), for grammars and prompts that cannot singularise. */
export function domainPhrases(options: { common?: boolean } = {}): string[] {
  const out = new Set<string>();
  for (const d of DOMAIN_WORDS) {
    if (options.common && !d.common) continue;
    out.add(d.phrase);
    if (UNCOUNTED.has(d.phrase)) continue;
    const words = d.phrase.split(' ');
    const last = words.at(-1)!;
    const plural = /(?:s|sh|ch|x)$/.test(last) ? `${last}es` : /[^aeiou]y$/.test(last) ? `${last.slice(0, -1)}ies` : `${last}s`;
    out.add([...words.slice(0, -1), plural].join(' '));
  }
  return [...out];
}
