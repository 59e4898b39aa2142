/** Home Assistant's built-in intent names that tier 0 speaks, plus Jarvis's own cold-task intent. */
export const INTENT_NAMES = [
  'HassTurnOn', 'HassTurnOff', 'HassToggle', 'HassLightSet', 'HassGetState', 'HassClimateSetTemperature',
  'HassClimateGetTemperature', 'HassSetPosition', 'HassSetVolume', 'HassMediaPause', 'HassMediaUnpause', 'HassMediaNext',
  'HassMediaPrevious', 'HassListAddItem', 'HassShoppingListAddItem', 'HassStartTimer', 'HassCancelTimer', 'HassTimerStatus',
  'HassGetCurrentTime', 'HassGetCurrentDate', 'HassGetWeather', 'HassNevermind', 'JarvisColdTask',
] as const;

/** One intent name. */
export type IntentName = (typeof INTENT_NAMES)[number];

/** hot: act now; cold: a task for a worker; passive: not a command; none: a command Jarvis will not or cannot do. */
export type RoutePath = 'hot' | 'cold' | 'passive' | 'none';

/** Slot values as Home Assistant's intents carry them: names for name/area/floor, numbers as numbers. */
export type Slots = Record<string, string | number>;

/** What the router decided for one utterance. */
export interface Decision {
  intent: IntentName | null;
  slots: Slots;
  path: RoutePath;
  /** 0 = grammar/entity matcher, 1 = local LLM. */
  tier: 0 | 1;
  /** 0–1: 1 for an exact template and name match, lower for each word taken as a misrecognition. */
  confidence: number;
  /** Entity ids the command acts on (already allowlisted). */
  targets: string[];
  /** For path none: what to say and a stable code (JARVIS_ROUTE_NOT_EXPOSED, ...). */
  reply?: string;
  code?: string;
}

/** Who is speaking and where. */
export interface RouteContext {
  /** Area id of the speaking device (a satellite's room); by id or name. */
  area?: string | undefined;
  deviceId?: string | undefined;
}
