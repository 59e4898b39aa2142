/** Home Assistant's built-in intent names (English sentences exist for each), plus Jarvis's own cold-task intent. */
export const INTENT_NAMES = [
  'HassTurnOn', 'HassTurnOff', 'HassToggle', 'HassLightSet', 'HassGetState', 'HassClimateSetTemperature',
  'HassClimateGetTemperature', 'HassSetPosition', 'HassFanSetSpeed', 'HassSetVolume', 'HassSetVolumeRelative',
  'HassMediaPause', 'HassMediaUnpause', 'HassMediaNext', 'HassMediaPrevious', 'HassMediaPlayerMute', 'HassMediaPlayerUnmute',
  'HassMediaSearchAndPlay', 'HassListAddItem', 'HassListCompleteItem', 'HassShoppingListAddItem',
  'HassShoppingListCompleteItem', 'HassStartTimer', 'HassCancelTimer', 'HassCancelAllTimers', 'HassIncreaseTimer', 'HassDecreaseTimer', 'HassPauseTimer',
  'HassUnpauseTimer', 'HassTimerStatus', 'HassGetCurrentTime', 'HassGetCurrentDate', 'HassGetWeather',
  'HassVacuumStart', 'HassVacuumReturnToBase', 'HassLawnMowerStartMowing', 'HassLawnMowerDock', 'HassBroadcast',
  'HassNevermind', 'HassRespond', 'JarvisColdTask',
  // The memory (hub/src/memory): what follows "remember that …" is open vocabulary.
  'JarvisRemember', 'JarvisRecall', 'JarvisForgetFact',
] as const;

/** One intent name. */
export type IntentName = (typeof INTENT_NAMES)[number];

/**
 * Intents with an open-vocabulary slot (a list item, a search, a message, a timer's name) that a closed grammar
 * cannot list: the speech side recognises their carrier phrase and hands the rest of the audio to whisper.
 * Named timers are open only in their name; "set a timer for five minutes" is closed.
 */
export const OPEN_VOCABULARY_INTENTS: ReadonlySet<IntentName> = new Set<IntentName>([
  'HassShoppingListAddItem', 'HassShoppingListCompleteItem', 'HassListAddItem', 'HassListCompleteItem', 'HassMediaSearchAndPlay',
  'HassBroadcast', 'JarvisRemember', 'JarvisRecall', 'JarvisForgetFact',
]);

/** hot: act now; cold: a task for a worker; passive: not a command; none: a command Jarvis will not or cannot do. */
export type RoutePath = 'hot' | 'cold' | 'passive' | 'none';

/** Slot values as Home Assistant's intents carry them: names for name/area/floor, numbers as numbers. */
export type Slots = Record<string, string | number>;

/** Where a request came from: `home-assistant` requests (Wyoming `handle`) are never sent back to HA's agent. */
export type CommandOrigin = 'device' | 'api' | 'home-assistant';

/** What the router decided for one utterance. */
export interface Decision {
  intent: IntentName | null;
  slots: Slots;
  path: RoutePath;
  /** 0 = grammar/entity matcher, 1 = local LLM. */
  tier: 0 | 1;
  /** Set when Home Assistant's own conversation agent understood (and already acted on) the request. */
  handledBy?: 'home-assistant';
  /** 0–1: 1 for an exact template and name match, lower for each word taken as a misrecognition. */
  confidence: number;
  /** Entity ids the command acts on (already allowlisted). */
  targets: string[];
  /** The human action, for display and confirmation ("unlock", "open", "turn off", "set brightness"). */
  action?: string;
  /** For path none: what to say and a stable code (JARVIS_ROUTE_NOT_EXPOSED, ...). */
  reply?: string;
  code?: string;
}

/** Who is speaking and where. */
export interface RouteContext {
  /** Area id of the speaking device (a satellite's room); by id or name. */
  area?: string | undefined;
  deviceId?: string | undefined;
  /**
   * Jarvis has asked this device a question ("Did you say …?") that is still open: a bare "okay" or "thanks" answers
   * it. Without one they are not a command (as in Home Assistant, whose English sentences have no intent for them).
   */
  awaitingAnswer?: boolean | undefined;
}

const ACTIONS: Partial<Record<IntentName, string>> = {
  HassToggle: 'toggle', HassLightSet: 'set light', HassGetState: 'check', HassClimateSetTemperature: 'set temperature',
  HassClimateGetTemperature: 'read temperature', HassSetPosition: 'set position', HassFanSetSpeed: 'set fan speed', HassSetVolume: 'set volume',
  HassSetVolumeRelative: 'change volume', HassMediaPause: 'pause', HassMediaUnpause: 'resume', HassMediaNext: 'next track',
  HassMediaPrevious: 'previous track', HassMediaPlayerMute: 'mute', HassMediaPlayerUnmute: 'unmute', HassMediaSearchAndPlay: 'play',
  HassListAddItem: 'add to list', HassListCompleteItem: 'check off', HassShoppingListAddItem: 'add to shopping list',
  HassShoppingListCompleteItem: 'check off shopping list item',
  HassStartTimer: 'start timer', HassCancelTimer: 'cancel timer', HassCancelAllTimers: 'cancel all timers', HassIncreaseTimer: 'add time',
  HassDecreaseTimer: 'remove time', HassPauseTimer: 'pause timer', HassUnpauseTimer: 'resume timer', HassTimerStatus: 'timer status',
  HassGetCurrentTime: 'tell time', HassGetCurrentDate: 'tell date', HassGetWeather: 'weather', HassVacuumStart: 'start vacuum',
  HassVacuumReturnToBase: 'dock vacuum', HassLawnMowerStartMowing: 'start mowing', HassLawnMowerDock: 'dock mower',
  HassBroadcast: 'broadcast', HassNevermind: 'never mind', HassRespond: 'answer', JarvisColdTask: 'background task',
  JarvisRemember: 'remember', JarvisRecall: 'recall', JarvisForgetFact: 'forget fact',
};

/**
 * The human action of an intent ("unlock" rather than HassTurnOff): what a display shows and a confirmation
 * question says. Turn on/off read the domain slot (lock → lock/unlock, cover → open/close, scene → activate).
 */
export function actionOf(intent: IntentName, slots: Readonly<Slots> = {}): string {
  if (intent === 'HassTurnOn' || intent === 'HassTurnOff') {
    const on = intent === 'HassTurnOn';
    switch (slots['domain']) {
      case 'lock': return on ? 'lock' : 'unlock';
      case 'cover': case 'valve': return on ? 'open' : 'close';
      case 'scene': case 'script': return on ? 'activate' : 'turn off';
      case 'vacuum': return on ? 'start' : 'stop';
      default: return on ? 'turn on' : 'turn off';
    }
  }
  return ACTIONS[intent] ?? intent;
}

/** Pairs of opposite actions: a recogniser unsure between the two must ask, never guess. */
export const OPPOSITE_INTENTS: ReadonlyArray<readonly [IntentName, IntentName]> = [
  ['HassTurnOn', 'HassTurnOff'], ['HassMediaPause', 'HassMediaUnpause'], ['HassMediaPlayerMute', 'HassMediaPlayerUnmute'],
  ['HassVacuumStart', 'HassVacuumReturnToBase'], ['HassLawnMowerStartMowing', 'HassLawnMowerDock'], ['HassIncreaseTimer', 'HassDecreaseTimer'],
  ['HassPauseTimer', 'HassUnpauseTimer'],
];
