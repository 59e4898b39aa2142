import type { CommandTemplate } from './command-template.js';
import { normalizeWord, numberToWords, OKAY_WORDS, THANKS_WORDS } from './normalize.js';
import { parseTemplate, RuleSet, type TemplateNode } from './syntax.js';
import { InternalError } from '../core/index.js';
import { haPhrasings, phrasingRules } from './phrasings.js';

export { parseTemplate, type TemplateNode } from './syntax.js';

export type { CommandTemplate } from './command-template.js';

/** Reusable pieces of templates, referenced as `<name>` (the text phrasings' own rules included, so any reader of every template can expand it; the strict templates the speech grammar compiles do not use them). */
export const expansionRules: Readonly<Record<string, string>> = {
  ...phrasingRules,
  turn: '(turn|switch|turned|tern|put|turning|switching)',
  off: '(off|of)',
  set: '(set|change|make|adjust|turn|put)',
  the: '[the|my|our]',
  what_is: '(what is|what|tell me|whats)',
  percent: '[percent]',
  degrees: '[degrees [celsius|fahrenheit]]',
  media: '[the] [music|media|tv|song|video|movie|playback|show|radio|film|episode|podcast|audio|sound]',
  track: '(track|song|tune|one|episode|video|chapter)',
  timer: '[the|my] [{timer_name}] timer',
  all_timers: '(all|every|each) [of] [the|my] (timers|timer)',
  cancel: '(cancel|stop|delete|remove|kill|end|clear|get rid of|turn off|abort|dismiss)',
  vacuum: '[the] [robot] (vacuum|hoover|vacuum cleaner|robot|roomba)',
  mower: '[the] [robot|robotic] (mower|lawnmower|lawn mower)',
  base: '(home|back [home]|to [its|the] (base|dock|charger)|back to [its|the] (base|dock|charger|station)|to [its|the] station)',
  list_word: '[list]',
  lawn: '[the|my|our] [front|back|rear|side] (lawn|lawns|grass|garden|yard|backyard)',
  base_text: '(home|back [home]|to (base|dock|charge|its charger)|back to (base|dock|charge|charging)|[back] to (its|the|your|his|her|my) (base|dock|charger|station|charging station|charging dock|home base|home|spot|place)|charge|recharge|and (charge|recharge)|back and (charge|recharge)|dock|back to its dock|off to (its|the|your) (base|dock|charger))',
  timer_ask: '(i need|i want|i would like|i will have|i will take|can i (have|get)|could i (have|get)|may i have|get me|give me|set me|set up|setup|start up|begin|run|add|put on|make me|set|start|create|make)',
  yes: '(yes|yeah|yep|yup|sure|correct|affirmative|do it|go ahead|confirm|confirmed|absolutely|definitely|of course|sounds good|yes indeed)',
};

/** What each slot may hold. `where` is a place (area or floor) said apart from the target. */
export const slotKinds: Readonly<Record<string, 'target' | 'number' | 'text' | 'color' | 'state' | 'duration' | 'timer' | 'media_class'>> = {
  target: 'target',
  where: 'target',
  list: 'text',
  brightness: 'number',
  temperature: 'number',
  position: 'number',
  volume_level: 'number',
  volume_step: 'number',
  percentage: 'number',
  color: 'color',
  state: 'state',
  item: 'text',
  name: 'text',
  search_query: 'text',
  message: 'text',
  /** HassRespond's words to say back ("say good morning everyone"). */
  response: 'text',
  timer_name: 'timer',
  duration: 'duration',
  /** The length a timer was started with, said to pick it ("add 2 minutes to the 10 minute timer"). */
  start_duration: 'duration',
  media_class: 'media_class',
};

/**
 * Slots whose value is free text a closed grammar cannot list (a list item, a search, a message, a timer's
 * name): the speech side recognises the carrier phrase and hands the rest to whisper.
 */
export const OPEN_SLOTS: readonly string[] = ['item', 'search_query', 'message', 'timer_name'];

/** Colour names tier 0 understands, with the RGB it sends. */
export const COLORS: Readonly<Record<string, readonly [number, number, number]>> = {
  red: [255, 0, 0], green: [0, 255, 0], blue: [0, 0, 255], yellow: [255, 255, 0], orange: [255, 165, 0], purple: [128, 0, 128],
  pink: [255, 105, 180], white: [255, 255, 255], 'warm white': [255, 180, 107], 'cool white': [200, 220, 255], 'daylight': [220, 235, 255], cyan: [0, 255, 255], magenta: [255, 0, 255],
  violet: [238, 130, 238], turquoise: [64, 224, 208], lavender: [230, 230, 250], gold: [255, 215, 0], teal: [0, 128, 128], indigo: [75, 0, 130], amber: [255, 191, 0],
  lime: [0, 255, 0], crimson: [220, 20, 60], brown: [165, 42, 42], 'light blue': [173, 216, 230], 'dark blue': [0, 0, 139], 'light green': [144, 238, 144], 'dark green': [0, 100, 0],
};

/** State words `HassGetState` can check, with the state Home Assistant reports for each. */
export const STATE_WORDS: Readonly<Record<string, string>> = {
  on: 'on', off: 'off', open: 'open', opened: 'open', closed: 'closed', shut: 'closed', locked: 'locked', unlocked: 'unlocked',
  playing: 'playing', paused: 'paused', armed: 'armed', disarmed: 'disarmed', running: 'on', down: 'closed', up: 'open',
  detected: 'on', clear: 'off', leaking: 'on', wet: 'on', dry: 'off', home: 'home', away: 'not_home', idle: 'idle', occupied: 'occupied', unoccupied: 'unoccupied', docked: 'docked', cleaning: 'cleaning', mowing: 'mowing',
};

/** Media classes a search may name, as Home Assistant's media classes. */
export const MEDIA_CLASSES: Readonly<Record<string, string>> = {
  artist: 'artist', band: 'artist', album: 'album', record: 'album', song: 'track', track: 'track', tune: 'track',
  playlist: 'playlist', podcast: 'podcast', station: 'channel', channel: 'channel', radio: 'channel', movie: 'movie', film: 'movie', show: 'tv_show', episode: 'episode', audiobook: 'book', book: 'book',
};

const covers = ['cover', 'valve'];
const media = ['media_player'];

/** Every template, most specific first (the matcher tries them in this order); Home Assistant's other phrasings last. */
const baseTemplates: readonly CommandTemplate[] = [
  // Conversation: answers to a question Jarvis asked, and "forget it".
  { intent: 'HassRespond', sentences: ['(sure thing|yes that is right|yes that is correct|that is it|exactly|yes [i did|i do|please]|yeah [i did|please|sure]|go for it|please do|do that)'], slots: { response: 'yes' }, weak: true },
  { intent: 'HassRespond', sentences: ['[oh] <yes> [do it|go ahead]', 'yes i did', 'that is (right|correct)'], slots: { response: 'yes' } },
  { intent: 'HassRespond', sentences: ['(no|nope|nah|negative) [thanks|thank you|i did not|do not|that is wrong|not that]', 'no no', 'do not', '(no way|not now|not|definitely not|absolutely not|wrong)'], slots: { response: 'no' } },
  // An acknowledgement answers only an open question (tier 0 lets it through only then): text only, so the speech
  // grammar does not hear chit-chat ("thank you", whisper's commonest hallucination) as a command.
  { intent: 'HassRespond', sentences: [`(${THANKS_WORDS.join('|')})`], slots: { response: 'thank you' }, weak: true },
  { intent: 'HassRespond', sentences: [`[oh] (${OKAY_WORDS.join('|')}) [do it|go ahead]`], slots: { response: 'yes' }, weak: true },
  { intent: 'HassRespond', sentences: ['(hello|hi|good morning|good evening)'], slots: { response: 'hello' } },
  { intent: 'HassRespond', sentences: ['are you always (listening|recording)'], slots: { response: 'listening' } },
  { intent: 'HassRespond', sentences: ['are you (still|even) (listening|recording)', 'are you (listening|recording) [to me|to us|right now|now]', '(is|are) (this|it|jarvis) (always|still) (listening|recording)'], slots: { response: 'listening' }, weak: true },
  // Not "what do you do" or a bare "how are you", which people ask each other.
  { intent: 'HassRespond', sentences: ['what can you do [for me|for us]', 'what are you able to do', 'what do you know how to do'], slots: { response: 'commands' }, weak: true },
  { intent: 'HassRespond', sentences: ['(hi|hello|hey) there [how are you [doing|today]]', '(hi|hello|hey) [there] (how are you|how are you doing|how is it going)'], slots: { response: 'hello' }, weak: true },
  { intent: 'HassRespond', sentences: ['where does (my|the) data go [to]'], slots: { response: 'data' } },
  { intent: 'HassRespond', sentences: ['what can i (say|ask) [you]'], slots: { response: 'commands' } },
  { intent: 'HassRespond', sentences: ['who (made|created|built) you'], slots: { response: 'creator' } },
  { intent: 'HassNevermind', sentences: ['(actually|oh|oops|sorry|um|uh|wait|no) [actually|sorry|oops|wait|no] (nevermind|forget it|forget about it|cancel that|ignore that|ignore me|never you mind|not you|not talking to you|i was not talking to you|do not worry [about it]|scratch that|my mistake|my bad) [sorry|then|jarvis]', '(i was talking to|talking to) (someone else|somebody else|my (wife|husband|partner|son|daughter|kids|friend))', '(leave it|stop listening|go back to sleep|never mind me)'], weak: true },
  { intent: 'HassNevermind', sentences: ['[oh|oops|sorry|um|uh] (nevermind|forget it|forget about it|cancel|cancel that|ignore that|ignore me|nothing|never you mind|not you|do not worry [about it]|scratch that) [sorry|then|jarvis]'] },

  // Timers (Jarvis runs them itself).
  { intent: 'HassCancelAllTimers', sentences: ['<cancel> <all_timers>', '<cancel> [the|my] timers', '(cancel|stop|clear) everything timer', 'get rid of <all_timers>'] },
  { intent: 'HassIncreaseTimer', sentences: [
    '(add|put) [another|an extra|extra] {duration} [more|extra] (to|on) <timer>',
    '(add|put) [another|an extra|extra] {duration} [more|extra] (to|on) (it|that)',
    '(extend|increase|lengthen|raise) <timer> by {duration}',
    'give <timer> [another|an extra|extra] {duration} [more|extra]',
    '{duration} more (on|for) <timer>',
  ] },
  { intent: 'HassDecreaseTimer', sentences: [
    '(take|knock|remove|subtract|shave|cut|deduct) {duration} (off|from) <timer>',
    '(take|knock|remove|subtract|shave|cut|deduct) {duration} off (it|that)',
    '(decrease|reduce|shorten|lower|cut) <timer> by {duration}',
  ] },
  { intent: 'HassPauseTimer', sentences: ['(pause|hold|freeze|suspend) <timer> [for a (sec|second|moment|minute|bit)]', 'put <timer> on hold'] },
  { intent: 'HassUnpauseTimer', sentences: ['(resume|unpause|continue|restart|unfreeze|carry on with|keep going with) <timer>', 'start <timer> again', '(let|have) <timer> (continue|carry on|run again)', 'take <timer> off hold'] },
  { intent: 'HassCancelTimer', sentences: ['<cancel> <timer>', '<cancel> [the|my] {duration} timer', '(stop|cancel|turn off|silence) [the] (alarm|timer alarm|beeping)'] },
  {
    intent: 'HassTimerStatus',
    sentences: [
      'how (much|long) [more] [time] [is|do i have|is there] [left|remaining] (on|for|in) <timer>',
      'how (much|long) [more] [time] [is|do i have|is there] (left|remaining)',
      'how much longer [is there] [on|for] [<timer>]',
      'how much longer [is there] (on|for) [the|my] {duration} timer',
      'how many (minutes|seconds|hours) [are|do i have] (left|remaining) [on <timer>]',
      'how much time do i have left [on <timer>]',
      '[how much] time (left|remaining) on <timer>',
      'when (will|does) <timer> (go off|be done|end|finish|ring)',
      'check on <timer>',
      '(what is|whats) left on <timer>',
      '(what is|whats) [the] (status|time left|time remaining) (of|on) <timer>',
      '[what is [the]] (timer|timers) status',
      '[{duration}|{timer_name}] timer status',
      '(status of|time left on) [the|my] (timers|timer) [in {where}]',
      '(status of|check) <timer>',
      'how is <timer> [doing|going]',
      'how long until <timer> (is done|ends|goes off|finishes|rings)',
      'is <timer> (done|finished|up|over) [yet]',
      '(what|which) timers (do i have|are there|are running|are set|have i got|are going) [running|going|set]',
      '(do i have|are there) any timers [running|going|set]',
    ],
  },

  {
    intent: 'HassStartTimer',
    sentences: [
      '(set|start|create|make|put on|give me) [me] [a|an|the] timer (for|of) {duration}',
      '(set|start|create|make|put on|give me) [me] [a|an|the] timer (for|of) {duration} (for|called|named) [the|my|a] {timer_name}',
      '(set|start|create|make|put on|give me) [me] [a|an] timer (called|named) {timer_name} (for|of) {duration}',
      '(set|start|create|make|put on|give me) [me] (a|an|the) {timer_name} timer (for|of) {duration}',
      '(set|start|create|make|put on|give me) [me] [a|an] {duration} timer',
      '(set|start|create|make|put on|give me) [me] [a|an] {duration} timer (for|called|named) [the|my|a] {timer_name}',
      '(set|start|create|make|put on|give me) [me] [a|an] {duration} {timer_name} timer',
      '[a|an] {duration} timer [please]',
      '[a|an] {duration} {timer_name} timer',
      '(set|start|create|make) [a|an|the] timer {duration}',
      '(set|start|create) [a|an] {duration} (countdown|count down)',
      '[a|an] {timer_name} timer (for|of) {duration}',
      '[a] timer [for] {duration}',
      '[start] [a] (countdown|count down) (for|of) {duration}',
      '{duration} countdown',
      'time {duration}',
      '(remind|tell|alert|wake) me [up] (in|after) {duration}',
      'let me know in {duration}',
    ],
  },
  { intent: 'HassUnpauseTimer', sentences: ['(keep|get) <timer> (going|running) [again]', 'set <timer> (going|running) again', '<timer> (resume|continue|go)'], weak: true },
  // Not "give me a minute" or "five more minutes", which people say to each other.
  { intent: 'HassIncreaseTimer', sentences: ['(add|give it) {duration} [more|extra]', '(add|put) {duration} [more|extra] (on|to) (it|that|the clock)', '(extend|increase) (it|that) by {duration}'], weak: true },
  { intent: 'HassDecreaseTimer', sentences: ['(take|knock|remove|subtract|shave) {duration} off', '{duration} less'], weak: true },
  {
    intent: 'HassTimerStatus',
    sentences: [
      '(is|are) <timer> [still] (running|going|on|active|set|ticking)',
      'how long (until|till|til|before|left before) <timer> (goes off|is done|ends|finishes|rings|beeps|is up)',
      'how (much|long) [more] [time] (is|do i have|have i got|is there|we got|do we have) [left|remaining] (on|for|in) <timer>',
      '(what is|whats) the (countdown|time) (on|for) <timer>',
      '(any|how much) time left',
      'how are (my|the) timers [doing|going]',
      '(tell me|give me) [the] (time left|time remaining|status) (on|of|for) <timer>',
      '(list|show) [me] [all] [my|the] timers',
      '(what is|whats|where is) <timer> at [now]',
      'how (long|much time) (have i|do i have|have we|do we have) [got] left [on <timer>]',
      'how much time is (on|left on) the clock',
      'how is <timer> (coming along|getting on|looking)',
      'is <timer> (done|finished|up|over|nearly done|almost done) yet',
    ],
    weak: true,
  },
  // Other ways of asking for a timer (text only: they would widen the speech grammar for little).
  {
    intent: 'HassStartTimer',
    sentences: [
      '<timer_ask> [a|an|the] timer (for|of|lasting) {duration} [(for|called|named) [the|my|a] {timer_name}]',
      '<timer_ask> [a|an] {duration} [long] timer [(for|called|named) [the|my|a] {timer_name}]',
      '<timer_ask> [a|an] {duration} {timer_name} timer',
      '<timer_ask> (a|an|the|my) {timer_name} timer (for|of) {duration}',
      '(put|set|start|turn) [a|an|the] timer on for {duration}',
      '(set|start|run) [a|an|the] timer (going|running) for {duration}',
      '(count|countdown|count down) {duration} [for me]',
      '(time|timer) {duration} [for] [the|my] {timer_name}',
      '(set|start|create) [a|an] {duration} alarm',
      '{duration} on the clock',
      '[a|an|the|my] {timer_name} timer [for|of] {duration}',
      '{duration} [for] [the|my] {timer_name} timer',
    ],
    weak: true,
  },
  // Time, date, weather.
  { intent: 'HassGetCurrentTime', sentences: ['time check', 'what time (have we|do we have|have you|do you have|is it) [got] [now|right now]', '(what|which) time is it', 'what is the time (please|now|right now)', 'how late is it', 'do you have the time', '(got|have you got) the time', '(tell me|say) the time', 'current time [please]', 'the time [please]'], weak: true },
  { intent: 'HassGetCurrentTime', sentences: ['what time is it [now|right now]', 'tell me what time it is', 'what hour is it', '(have you got|got) the time', '(what is|whats) the time [now|right now]', '[tell me|give me] the [current] time', '(do you know|can you tell me|could you tell me) what time it is', 'what is the current time', 'time', 'what time do you have'] },
  { intent: 'HassGetCurrentDate', sentences: ['(what|which) (date|day) (is it|will it be) (tomorrow|today)', '(what is|whats) (tomorrow|today) date', '(what|which) (month|year|day of the week|day) (are we in|is it|is today)', 'is (it|today) (monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend|a weekday) [today|yet]', '(what is|whats) the date (today|tomorrow|please)', 'date [please|today]', '(tell me|give me) (the|today) date', 'today date'], weak: true },
  {
    intent: 'HassGetCurrentDate',
    sentences: ['(what is|whats) [the] date [today]', '(what is|whats) today date', 'what is the current date', 'what day is [it] [today]', 'what is today', 'which day is it [today]', '(what|which) date is it [today]', '[tell me|give me] [the|today] date', '(what|which) day of the (month|week) is it [today]', 'what is the day today', 'what month is it', '(what is|whats) the day', 'what year is it', 'what is the date [today]'],
  },
  {
    intent: 'HassGetWeather',
    sentences: [
      '(what|how) is the weather [like] [today|outside|now|right now|out there]',
      '(what|how) is it like (outside|out there)',
      '(what is|whats|tell me) the (forecast|weather forecast) [for] [today|tomorrow|this week]',
      '(what|how) is the weather [like] (in|at|for) {name}',
      'what is the weather going to be [like] [today|tomorrow]',
      '(tell me|give me) the weather',
      '[<what_is>|tell me] [the] weather (for|in|at) {name}',
      '[<what_is>|tell me] [the] [weather] forecast (for|in|at) {name}',
      '(do i|will i) need (an umbrella|a coat|a jacket|sunscreen) [today]',
      'is it (going to|gonna) (rain|snow|be sunny|be cold|be hot|be warm) [today|later|tomorrow]',
      'is it (raining|snowing|sunny|cold|hot|windy|cloudy) (outside|out)',
      'is it (raining|snowing)',
      'will it (rain|snow|be sunny|be cold|be hot|be warm|be windy) [today|later|tomorrow|this afternoon|tonight]',
      'is it (sunny|cloudy|windy|nice) [outside|out] [today]',
      'how (cold|hot|warm) is it outside',
    ],
  },
  // More ways of asking (text only).
  {
    intent: 'HassGetWeather',
    sentences: [
      '(<what_is>|how is|hows) the (weather|forecast|weather forecast) [going to be|gonna be|looking|look] [like] [for] (today|tomorrow|tonight|this (morning|afternoon|evening|week|weekend)|later [today]|outside|now|right now|out there)',
      '(<what_is>|how is|hows) the (weather|forecast) (looking|like) [today|tomorrow|outside]',
      '(what|how) does the (weather|forecast) look [like] [today|tomorrow|for today|for tomorrow|outside]',
      '(what|how) (is|will) it (be|going to be) like (outside|today|tomorrow|out there)',
      'what (weather|kind of weather) (is|are we) (forecast|expecting|expected|getting) [today|tomorrow]',
      '(any|is there [any]) (rain|snow) (expected|forecast|coming) [today|tomorrow|later]',
      '(give me|read me|tell me) the (weather|forecast) [report|forecast] [for] [today|tomorrow]',
      '(current|today|tomorrow) (weather|forecast) [please]',
      'how (hot|cold|warm|chilly|windy|wet|sunny) (will it be|is it going to be|is it gonna be|will it get) [today|tomorrow|outside|later|tonight]',
      'weather (today|tomorrow|now|outside|report|update)',
      'is it (nice|warm|cold|hot|sunny|raining|snowing|windy) out (today|right now|now)',
      '(do i|will i|should i) (need|take|bring) (an umbrella|a coat|a jacket|sunscreen|a raincoat) [today|tomorrow|later]',
    ],
    weak: true,
  },
  // "the weather" alone is a question as text, but as a sentence of the speech grammar it matched the start
  // of chit-chat ("the weather was lovely at the beach"): tier 0 only.
  { intent: 'HassGetWeather', sentences: ['[the] weather [today|forecast]'], weak: true },

  // Lists.
  { intent: 'HassShoppingListAddItem', sentences: [
    '(add|put|stick|pop) {item} (to|on|onto) <the> shopping list',
    '(add|put|stick|pop) {item} (to|on|onto) <the> shopping',
    'shopping list add {item}',
    '[we] need {item} (add|put) (it|them) (to|on) <the> shopping list',
    '(we are|i am) (out of|running low on|low on) {item} (add|put) (it|them|some) (to|on) <the> shopping list',
  ] },
  { intent: 'HassListCompleteItem', sentences: [
    '(check|tick|cross|mark|strike) off {item} (from|on|in) <the> {list} <list_word>',
    '(check|tick|cross|strike|mark) {item} off <the> {list} <list_word>',
    '(mark|set) {item} (as|to) (done|complete|completed|finished|bought|checked) (on|in) <the> {list} <list_word>',
    '(complete|finish) {item} (on|in|from) <the> {list} <list_word>',
    '(remove|delete|take) {item} (from|off) <the> {list} <list_word>',
    '(check|complete|delete|remove|tick|cross) [off] {item} [off] (from|on|in|off) <the> {list} <list_word>',
    'i (bought|got|did|finished|have done|picked up) [the] {item} (tick|cross|check|mark) (them|it) off <the> {list} <list_word>',
  ] },
  { intent: 'HassListCompleteItem', sentences: [
    '[i|we] [have] (bought|got|get|did|finished|done|picked up|found) [the|some] {item} [now|already] [so] [you can] (tick|cross|check|mark|take) (them|it) off [of] <the> {list} <list_word>',
    '(mark|set) {item} (as|to) (done|complete|completed|finished|bought|checked) (on|in) <the> {list} <list_word>',
  ], weak: true },
  // "cross milk off my list": no list named, so Home Assistant's shopping list (HassShoppingListCompleteItem). A list
  // said by name ("off the shopping list", "from the chores list") is that to-do list's (HassListCompleteItem, above),
  // as every writer of the development sets annotates it.
  { intent: 'HassShoppingListCompleteItem', sentences: [
    '(check|tick|cross|strike|mark) off {item} (from|on|in|off) (my|the|our) list',
    '(check|tick|cross|strike|mark) {item} off (my|the|our) list',
    '(remove|delete|take|scratch) {item} (from|off) (my|the|our) list',
    '(complete|finish) {item} (on|in|from) (my|the|our) list',
    '(mark|set) {item} (as|to) (done|complete|completed|finished|bought|checked) (on|in) (my|the|our) list',
    '[i|we] [have] (bought|got|picked up|found) [the|some] {item} [now|already] [so] [you can] (tick|cross|check|mark|take) (them|it) off (my|the|our) list',
  ], weak: true },
  // "add milk to my list", "put eggs in the shopping list": Home Assistant's shopping list (text only).
  { intent: 'HassShoppingListAddItem', sentences: ['(add|put|stick|pop|write) {item} (to|on|onto|in|into) (my|the|our) list', '(put|stick|pop|write|add) {item} (in|into) <the> shopping list'], weak: true },
  { intent: 'HassListAddItem', sentences: ['(add|put|stick|pop|write) {item} (to|on|onto) <the> {list} <list_word>', '{list} list add {item}'] },
  { intent: 'HassListAddItem', sentences: ['(put|stick|pop|write) {item} (in|into) <the> {list} <list_word>'], weak: true },

  // Media search (open vocabulary), before unpause/next so "play the next song" stays a command of its own.
  { intent: 'HassMediaNext', sentences: ['(next|skip) [<track>] [please]', '(play|go to|skip to|jump to) [the] next <track> [(in|on) {target}]', 'skip [this|the|that] <track> [(in|on) {target}]', '(next|skip) [this|the] [<track>] (in|on) {target}', 'next <track> on {target}', 'skip ahead'], domains: media },
  { intent: 'HassMediaPrevious', sentences: ['(previous|last) <track> [please]', 'previous', '(play|go to|skip to|go back to|back to|jump to) [the] (previous|last) <track> [again] [(in|on) {target}]', 'go back [a|one] [<track>] [(in|on) {target}]', '(previous|last) <track> (in|on) {target}', 'play [the] (last|previous) <track> again', 'replay [the] (last|previous) <track>'], domains: media },
  { intent: 'HassMediaPrevious', sentences: ['(previous|go back) (in|on) {target}'], domains: media, weak: true },
  { intent: 'HassMediaUnpause', sentences: ['(carry on|keep on|go on|start) playing [<media>] [(in|on) {target}]', '(carry on|continue|resume) [with] [the] (music|playback|song|show|movie|podcast|episode|film) [(in|on) {target}]', '(unpause|resume|continue) [<media>] (in|on) {target}', 'press play [(in|on) {target}]', 'play (it|that) again [(in|on) {target}]'], domains: media, weak: true },
  { intent: 'HassMediaUnpause', sentences: ['(resume|unpause|continue) {target}', '(resume|unpause|continue) <media> [in|on] {target}', '(resume|unpause) {target} (music|show|shows|tv show|media|media player|playback)', '(resume|unpause|continue) <media>', '(resume|continue|keep) playing [<media>] [(in|on) {target}]', 'play <media> again', '(start|put) [the] (music|playback) (back on|again)', '(resume|unpause|continue) playback [(in|on) {target}]', 'unpause', 'resume', 'carry on playing'], domains: media },
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on) the artist {search_query} [(in|on) {target}]', '(play|put on) (something|anything|some music|music|songs) by {search_query} [(in|on) {target}]'], slots: { media_class: 'artist' }, domains: media },
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on) the album {search_query} [(in|on) {target}]'], slots: { media_class: 'album' }, domains: media },
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on) the (song|track) {search_query} [(in|on) {target}]'], slots: { media_class: 'track' }, domains: media },
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on) the playlist {search_query} [(in|on) {target}]', '(play|put on) [my|the] {search_query} playlist [(in|on) {target}]'], slots: { media_class: 'playlist' }, domains: media },
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on) the podcast {search_query} [(in|on) {target}]', '(play|put on) [my|the] {search_query} podcast [(in|on) {target}]'], slots: { media_class: 'podcast' }, domains: media },
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on) the (radio station|station) {search_query} [(in|on) {target}]'], slots: { media_class: 'channel' }, domains: media },
  // "put on the film jaws on the telly", "play the audiobook dune": the class said before the query (text only; not
  // "radio", which starts a station's own name: "radio 4").
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on|stream|watch) the (movie|film) {search_query} [(in|on) {target}]'], slots: { media_class: 'movie' }, domains: media, weak: true },
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on|stream) the (audiobook|audio book) {search_query} [(in|on) {target}]'], slots: { media_class: 'book' }, domains: media, weak: true },
  // "play abbey road album", "play the chill playlist in the kitchen": the class said after the query (text only).
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on) [the|my] {search_query} {media_class} [(in|on) {target}]'], domains: media, weak: true },
  { intent: 'HassMediaSearchAndPlay', sentences: ['(play|put on) [some] {search_query} (in|on) {target}', 'play [some] {search_query}', 'put on some {search_query}', 'i (want|would like) to (listen to|hear) [some] {search_query}', 'can i (hear|listen to) [some] {search_query}', '(let us|lets) (listen to|hear) [some] {search_query}', 'listen to {search_query}', '(shuffle|stream) {search_query}'], domains: media, weak: true },

  // Media transport and volume.
  { intent: 'HassMediaPause', sentences: ['pause {target}', 'pause <media> (in|on) {target}', 'pause <media> [for a (second|sec|moment|minute|bit)]', '[hold on|wait] pause (it|that|this) [for a (second|sec|moment|minute|bit)]', '(stop|hold) the (music|playback|movie|show|song|film|episode|podcast|radio) [(in|on) {target}] [for a (second|sec|moment|minute|bit)]', 'pause', 'hold on pause <media>'], domains: media },
  { intent: 'HassMediaPlayerUnmute', sentences: ['unmute {target}', 'unmute <media>', 'unmute', '(turn|put) the (sound|audio|volume) back on [(in|on) {target}]', 'turn (on|back on) the (sound|audio)'], domains: media },
  { intent: 'HassMediaPlayerMute', sentences: ['(mute|silence|hush) {target}', '(mute|silence) <media>', 'mute', '(turn|switch) off the (sound|audio) [(in|on) {target}]', '(turn|switch) the (sound|audio) off [(in|on) {target}]'], domains: media },
  {
    intent: 'HassSetVolume',
    sentences: [
      '(<set>|<turn>) [the] volume [(of|on|in|for) {target}] (to|at) {volume_level} <percent>',
      '(<set>|<turn>) {target} volume (to|at) {volume_level} <percent>',
      '(<set>|put) {target} (to|at) {volume_level} percent volume',
      '{target} volume (to|at) {volume_level} <percent>',
      'volume [to|at] {volume_level} [percent] [(on|in|for) {target}]',
    ],
    domains: media,
  },
  { intent: 'HassSetVolumeRelative', sentences: ['(<turn>|crank) [the] (volume|sound|music) up [(on|in|for) {target}] by {volume_step} <percent>', '(increase|raise) [the] volume [(on|of|in|for) {target}] by {volume_step} <percent>', '(turn|crank) up [the] volume [(on|in|for) {target}] by {volume_step} <percent>'], domains: media },
  { intent: 'HassSetVolumeRelative', sentences: ['<turn> [the] (volume|sound|music) down [(on|in|for) {target}] by {volume_step} <percent>', '(decrease|lower|reduce|drop) [the] volume [(on|of|in|for) {target}] by {volume_step} <percent>', 'turn down [the] volume [(on|in|for) {target}] by {volume_step} <percent>'], domains: media, negate: true },
  {
    intent: 'HassSetVolumeRelative',
    sentences: [
      '(<turn>|crank) [the] (volume|sound|music) up [(on|in|for) {target}]', '(turn|crank) up [the] (volume|sound|music) [(on|in|for) {target}]', '(increase|raise) [the] volume [(on|of|in|for) {target}]',
      '[a [little] bit|a little] louder [(in|on) {target}]', 'make (it|that) louder [(in|on) {target}]', 'make {target} louder', '<turn> it up [a [little] bit|a little|a notch]', 'turn up {target}', '<turn> {target} up', 'volume up [(in|on) {target}]', 'i can not hear (it|that|anything)', 'it is too quiet', 'louder',
      '{target} volume up', '(turn|bump|crank) up {target} volume', '(increase|raise|boost) {target} volume', 'bump [up] the volume [(in|on) {target}]', 'pump up the volume',
    ],
    slots: { volume_step: 10 },
    domains: media,
  },
  {
    intent: 'HassSetVolumeRelative',
    sentences: [
      '<turn> [the] (volume|sound|music) down [(on|in|for) {target}]', 'turn down [the] (volume|sound|music) [(on|in|for) {target}]', '(decrease|lower|reduce|drop) [the] volume [(on|of|in|for) {target}]',
      '[a [little] bit|a little] (quieter|softer) [(in|on) {target}]', 'make (it|that) (quieter|softer) [(in|on) {target}]', 'make {target} (quieter|softer)', '<turn> it down [a [little] bit|a little|a notch]', 'turn down {target}', '<turn> {target} down', 'volume down [(in|on) {target}]', 'it is too loud', '(quieter|softer)',
      '{target} volume down', 'turn down {target} volume', '(decrease|lower|reduce|drop) {target} volume', 'keep it down',
    ],
    slots: { volume_step: -10 },
    domains: media,
  },

  // Climate.
  {
    intent: 'HassClimateSetTemperature',
    sentences: [
      '<set> {target} to {temperature} <degrees>',
      '<set> {target} (temperature|thermostat|heating) to {temperature} <degrees>',
      '<set> [the] (temperature|thermostat|heating|heat|heater) to {temperature} <degrees> [[in|on] {where}]',
      '<set> [the] (temperature|thermostat|heating|heat) (in|of|on|for) {target} to {temperature} <degrees>',
      '<set> it to {temperature} degrees [(in|on) {where}]',
      '(heat|warm|cool) [up] {target} to {temperature} <degrees>',
      '<turn> {target} (up|down) to {temperature} <degrees>',
      '(make it|heat [it] [up] to|warm [it] [up] to|cool [it] [down] to) {temperature} degrees [(in|on) {where}]',
      'i (want|would like) it [at|to be] {temperature} degrees [(in|on) {where}]',
      'i (want|would like) it [at|to be] {temperature} degrees {where}',
      '<turn> (up|down) [the] (heat|heating|thermostat|temperature) to {temperature} <degrees> [[in|on] {where}]',
      '<turn> [the] (heat|heating|thermostat|temperature) (up|down) to {temperature} <degrees> [[in|on] {where}]',
    ],
    domains: ['climate'],
  },
  { intent: 'HassClimateSetTemperature', sentences: ['{target} [temperature] to {temperature} <degrees>', '{temperature} degrees [[in|on] {where}]', '(make|keep|get) {target} {temperature} degrees', 'i (want|would like) it [at|to be] {temperature} (in|on) {where}'], domains: ['climate'], weak: true },
  {
    intent: 'HassClimateGetTemperature',
    sentences: [
      '<what_is> the (temperature|temp) [inside|in here|here|indoors]',
      '<what_is> the (temperature|temp) [in|of|on|at] {target}',
      'what temperature is it [[in|on] {target}|inside|in here]',
      'how (warm|hot|cold|chilly|cool) is it [inside|in here|here]',
      'how (warm|hot|cold|chilly|cool) is it (in|on) {target}',
      'how (warm|hot|cold|cool) is {target}',
      'is it (warm|hot|cold|chilly|cool) [in here|inside]',
      'is it (warm|hot|cold|chilly|cool) (in|on) {target}',
      '<what_is> {target} (temperature|temp)',
      '(what is|whats) {target} set to',
      'what temperature is {target} [set] (at|to|on)',
      'what is the (thermostat|heating) (set to|at)',
    ],
  },

  // Fans, covers, lights with a value.
  {
    intent: 'HassLightSet',
    sentences: [
      '[<set>] [the] brightness [to|at] {brightness} <percent> [(in|on) {where}]',
      '<set> [the] brightness (of|in|on|for) {target} (to|at) {brightness} <percent>',
      '<set> {target} [brightness] (to|at) {brightness} percent',
      '<set> {target} brightness to {brightness}',
      '<set> it to {brightness} percent',
      '(dim|brighten|turn up|turn down) {target} to {brightness} <percent>',
      '{target} (to|at) {brightness} percent [brightness]',
    ],
    domains: ['light'],
  },
  {
    intent: 'HassFanSetSpeed',
    sentences: [
      '<set> {target} [speed] (to|at) {percentage} <percent>',
      '<set> [the] (fan speed|speed) [(of|on|in|for) {target}] (to|at) {percentage} <percent>',
      '{target} [speed] (to|at) {percentage} percent',
      '<set> [the] fan (to|at) {percentage} percent [[in|on] {where}]',
      '<set> {target} speed (to|at) {percentage}',
      '[<set>] [the] fan speed [to|at] {percentage} [percent] [[in|on] {where}]',
      '(turn|set) {target} (up|down) to {percentage} [percent]',
      '{target} (at|to) {percentage} [percent] speed',
    ],
    domains: ['fan'],
  },
  {
    intent: 'HassSetPosition',
    sentences: ['<set> {target} [position] (to|at) {position} <percent>', '(open|close|raise|lower|move) {target} [to] {position} <percent>', '{target} (to|at) {position} percent', '<set> [the] position of {target} to {position} <percent>'],
    domains: covers,
  },
  { intent: 'HassSetPosition', sentences: ['(open|close|raise|lower) {target} (halfway|half way|half)', '<set> {target} (to|at) half [way]'], slots: { position: 50 }, domains: covers },
  { intent: 'HassLightSet', sentences: ['<set> {target} to (full|max|maximum) [brightness]', '(brighten|turn up) {target} (all the way|fully)', '{target} (to|at) full brightness'], slots: { brightness: 100 }, domains: ['light'] },
  { intent: 'HassLightSet', sentences: ['(brighten|raise|increase|turn up|bring up) {target} (to|all the way to) (full|max|maximum) [brightness]'], slots: { brightness: 100 }, domains: ['light'], weak: true },
  {
    intent: 'HassLightSet',
    sentences: [
      '<set> [the] (color|colour) (of|in|for) {target} to {color}', '(<set>|<turn>) {target} [to] [the] [color|colour] {color}', '(<set>|<turn>) {target} {color}',
      'i (want|would like) {target} [to be] {color}', '{target} [to] {color}', '<set> (it|them) {color} [(in|on) {where}]',
    ],
    domains: ['light'],
  },
  {
    intent: 'HassLightSet',
    sentences: ['(dim|lower|turn down) {target} [a [little] bit|a little|slightly|some]', 'make {target} [a [little] bit|a little] (dimmer|darker)', '<turn> {target} down'],
    slots: { brightness_step: -25 },
    domains: ['light'],
  },
  {
    intent: 'HassLightSet',
    sentences: ['(brighten|turn up) {target} [a [little] bit|a little|slightly|some]', 'make {target} [a [little] bit|a little] brighter', '<turn> {target} up'],
    slots: { brightness_step: 25 },
    domains: ['light'],
  },

  { intent: 'HassLightSet', sentences: ['<set> {target} to {brightness}', '<set> {target} {brightness} percent'], domains: ['light'], weak: true },
  // Other word orders for a value (text only).
  { intent: 'HassFanSetSpeed', sentences: ['(<set>|<turn>|put|make) {target} [to|at|on] half speed', '{target} (to|at|on) half speed'], slots: { percentage: 50 }, domains: ['fan'], weak: true },
  { intent: 'HassFanSetSpeed', sentences: ['(<set>|<turn>|put|make) {target} [to|at|on] (full|max|maximum|top) speed', '{target} (to|at|on) (full|max|maximum|top) speed', '{target} (to|on) (full|max|maximum|full blast)'], slots: { percentage: 100 }, domains: ['fan'], weak: true },
  { intent: 'HassFanSetSpeed', sentences: ['{target} speed [to|at] {percentage} [percent]', '(make|have|run) {target} [run|go|spin] at {percentage} [percent] [speed]', '{percentage} percent (fan speed|speed) [(on|for|in) {target}]'], domains: ['fan'], weak: true },
  {
    intent: 'HassSetVolumeRelative',
    sentences: ['(volume|sound) up by {volume_step} [percent] [(on|in|for) {target}]', '<turn> {target} up by {volume_step} [percent]', '(raise|increase|boost) {target} [volume] by {volume_step} [percent]'],
    domains: media,
    weak: true,
  },
  {
    intent: 'HassSetVolumeRelative',
    sentences: ['(volume|sound) down by {volume_step} [percent] [(on|in|for) {target}]', '<turn> {target} down by {volume_step} [percent]', '(lower|decrease|reduce|drop) {target} [volume] by {volume_step} [percent]'],
    domains: media,
    negate: true,
    weak: true,
  },
  {
    intent: 'HassSetVolumeRelative',
    sentences: [
      '(<turn>|crank|bump|pump) [the] (volume|sound|music|tv|telly|radio) up (a bit|a little|a little bit|a notch|a touch|a tad|some|slightly) [(on|in|for) {target}]',
      '(<turn>|crank|bump) {target} up (a bit|a little|a little bit|a notch|a touch|a tad|some|slightly)',
      '(raise|boost|increase) {target} [volume]',
      '(make|get) {target} (louder|a bit louder|a little louder)',
      '{target} (louder|a bit louder|a little louder) [please]',
      '(louder|more volume) (on|in) {target}',
      'i can not hear {target}',
    ],
    slots: { volume_step: 10 },
    domains: media,
    weak: true,
  },
  {
    intent: 'HassSetVolumeRelative',
    sentences: [
      '<turn> [the] (volume|sound|music|tv|telly|radio) down (a bit|a little|a little bit|a notch|a touch|a tad|some|slightly) [(on|in|for) {target}]',
      '<turn> {target} down (a bit|a little|a little bit|a notch|a touch|a tad|some|slightly)',
      '(lower|quieten|quiet|reduce|decrease) {target} [volume] [down]',
      '(make|get) {target} (quieter|softer|a bit quieter|a little quieter)',
      '{target} (quieter|softer|a bit quieter|a little quieter) [please]',
      '(quieter|less volume) (on|in) {target}',
      '{target} is too loud',
    ],
    slots: { volume_step: -10 },
    domains: media,
    weak: true,
  },
  {
    intent: 'HassSetVolume',
    sentences: ['[<set>|<turn>|put] [the] volume (to|at|on) [the] (max|maximum|full|full blast) [(on|in|for) {target}]', '(max|maximum|full) volume [(on|in|for) {target}]', '(<set>|<turn>|put) {target} volume (to|at) (max|maximum|full)'],
    slots: { volume_level: 100 },
    domains: media,
    weak: true,
  },
  {
    intent: 'HassSetVolume',
    sentences: [
      '{target} volume [to|at] {volume_level} [percent]',
      '{target} (to|at) {volume_level} percent volume',
      '(<set>|<turn>|put) {target} [to|at] volume {volume_level} [percent]',
      '(<set>|<turn>|put) [the] volume (to|at) {volume_level} [percent] (on|in|for) {target}',
      'volume (on|of|for) {target} (to|at) {volume_level} [percent]',
      '(<set>|change) [the] (volume|sound) level [(on|of|in|for) {target}] (to|at) {volume_level} [percent]',
      '(make|put) [the] volume {volume_level} [percent] [(on|in|for) {target}]',
    ],
    domains: media,
    weak: true,
  },
  {
    intent: 'HassLightSet',
    sentences: [
      '{target} {brightness} percent [brightness]',
      '[the] brightness (of|on|for|in) {target} (to|at) {brightness} [percent]',
      '(bring|take|turn|set|put|dim|lower|drop) {target} down to {brightness} [percent]',
      '(bring|take|turn|set|put|raise|brighten|boost) {target} up to {brightness} [percent]',
      '(make|set|put|turn|have) {target} [to|at] {brightness} percent [bright|brightness]',
      '{brightness} percent (on|for|in) {target}',
      '<set> {target} brightness {brightness} [percent]',
    ],
    domains: ['light'],
    weak: true,
  },
  {
    intent: 'HassLightSet',
    sentences: ['(max|maximum|full) brightness (on|for|in) {target}', '(make|set|put|turn) {target} [to|at] (max|maximum|full) [brightness]', '{target} (to|at|on) (max|maximum|full) [brightness]', '(make|set|put|turn) {target} as bright as (it can go|possible)'],
    slots: { brightness: 100 },
    domains: ['light'],
    weak: true,
  },
  { intent: 'HassLightSet', sentences: ['(make|set|put|turn|dim) {target} [to|at] half [brightness]', '{target} (to|at) half brightness'], slots: { brightness: 50 }, domains: ['light'], weak: true },
  { intent: 'HassLightSet', sentences: ['(make|set|put|turn|dim) {target} [to|at] (a quarter|quarter|one quarter) [brightness]', '{target} (to|at) (a quarter|quarter) brightness'], slots: { brightness: 25 }, domains: ['light'], weak: true },
  { intent: 'HassLightSet', sentences: ['(make|set|put|turn) {target} [to|at] three quarters [brightness]'], slots: { brightness: 75 }, domains: ['light'], weak: true },
  {
    intent: 'HassLightSet',
    sentences: ['(<turn>|bring|take) {target} down (a bit|a little|a little bit|slightly|some|a touch|a notch|a tad)', '(dim|lower) {target} (a touch|a notch|a tad|down)', 'make {target} (a bit|a little|slightly) (less bright|softer)'],
    slots: { brightness_step: -25 },
    domains: ['light'],
    weak: true,
  },
  {
    intent: 'HassLightSet',
    sentences: ['(<turn>|bring|take) {target} up (a bit|a little|a little bit|slightly|some|a touch|a notch|a tad)', '(brighten|raise) {target} (a touch|a notch|a tad|up)', 'make {target} (a bit|a little|slightly) (more bright|stronger)'],
    slots: { brightness_step: 25 },
    domains: ['light'],
    weak: true,
  },
  { intent: 'HassSetPosition', sentences: ['<set> {target} (to|at) (a quarter|quarter|one quarter) [open|opened|of the way|way]', '(open|raise|lower|close) {target} (a quarter|quarter) [of the] [way]'], slots: { position: 25 }, domains: covers, weak: true },
  { intent: 'HassSetPosition', sentences: ['<set> {target} (to|at) three quarters [open|opened|of the way|way]', '(open|raise|lower|close) {target} three quarters [of the] [way]'], slots: { position: 75 }, domains: covers, weak: true },
  {
    intent: 'HassSetPosition',
    sentences: ['{target} (out|open|up|down) (to|at) {position} [percent]', '(extend|open|raise|lower|close|roll out|put out) {target} (to|at|by) {position} [percent]', '{target} {position} percent [open]', '<set> {target} (to|at) {position} percent (open|closed)'],
    domains: covers,
    weak: true,
  },
  {
    intent: 'HassClimateSetTemperature',
    sentences: [
      '<set> {target} at {temperature} <degrees>',
      '{target} {temperature} [degrees]',
      '[the] (temperature|thermostat|heating|heat) [to] {temperature} <degrees> [[in|on] {where}]',
      '(make|set|keep|put) it {temperature} [degrees] [[in|on] {where}]',
      '(i want|i would like|can we have|can i have|let us have) [it] {temperature} degrees [[in|on] {where}]',
      '(bump|turn|put|bring) [the] (heat|heating|temperature|thermostat) (up|down) to {temperature} <degrees> [[in|on] {where}]',
    ],
    domains: ['climate'],
    weak: true,
  },
  { intent: 'HassFanSetSpeed', sentences: ['<set> {target} to {percentage}'], domains: ['fan'], weak: true },
  { intent: 'HassSetPosition', sentences: ['<set> {target} to {position}'], domains: covers, weak: true },
  { intent: 'HassSetVolume', sentences: ['<set> {target} to {volume_level} [percent]'], domains: media, weak: true },

  // Vacuum and mower (before the generic on/off, which would take "start the vacuum").
  { intent: 'HassVacuumReturnToBase', sentences: ['(dock|park|recall|stop) <vacuum>', 'stop (vacuuming|cleaning|hoovering)', '(bring|call) <vacuum> (back|home) [to [its|the] (base|dock|charger)]', '(send|return) <vacuum> <base>', '<vacuum> (go|return) <base>', 'stop (vacuuming|cleaning|hoovering) and (go|return) <base>', ], domains: ['vacuum'] },
  { intent: 'HassVacuumReturnToBase', sentences: ['(send|return) {target} <base>', '(dock|park|stop|recall) {target}', '{target} (go|return) <base>', '(have|tell|let|ask) {target} [to] (go|return) <base>', '(tell|ask) {target} to stop'], domains: ['vacuum'], weak: true },
  { intent: 'HassVacuumReturnToBase', sentences: ['(have|tell|let|ask) <vacuum> [to] (go|return) <base>'], domains: ['vacuum'] },
  { intent: 'HassVacuumStart', sentences: ['(start|run|turn on|switch on|launch) <vacuum>', '(start|begin) (vacuuming|cleaning|hoovering) [{where}]', '(have|let|tell|send|ask) <vacuum> [to] (clean|vacuum|start [cleaning]) [{where}]', '(start|run) <vacuum> [cleaning|vacuuming] (in|on) {where}', 'clean {where} with <vacuum>', 'get <vacuum> (going|started|cleaning)', '(vacuum|hoover) {where}', '(start|run) <vacuum> (in|on) {where}', '<vacuum> (start|clean) [{where}]', 'clean {where} with <vacuum>'], domains: ['vacuum'] },
  { intent: 'HassVacuumStart', sentences: ['(start|run|launch) {target}', '(have|let|tell|send|ask) {target} [to] (clean|vacuum|start [cleaning]) [{where}]', '{target} (clean|vacuum|start cleaning) [{where}]', 'get {target} (going|started|cleaning)', '(start|run) {target} (in|on) {where}'], domains: ['vacuum'], weak: true },
  { intent: 'HassLawnMowerDock', sentences: ['(dock|park|recall|stop) <mower>', '(bring|call) <mower> (back|home|in) [to [its|the] (base|dock|charger)]', '(send|return) <mower> <base>', '<mower> (go|return) <base>', 'stop mowing [and (go|return) <base>]'], domains: ['lawn_mower'] },
  { intent: 'HassLawnMowerDock', sentences: ['(bring|call|get) (<mower>|{target}) back (in|inside|home|to [its|the] (base|dock|shed|garage))'], domains: ['lawn_mower'], weak: true },
  { intent: 'HassLawnMowerDock', sentences: ['(dock|park|stop|recall) {target}', '(send|return) {target} <base>', '{target} (go|return) <base>', '(have|tell|let|ask) {target} [to] (go|return) <base>'], domains: ['lawn_mower'], weak: true },
  { intent: 'HassLawnMowerStartMowing', sentences: ['(start|run|turn on|launch) <mower>', '(start|begin) mowing [[in] {where}]', '(mow|cut) the (lawn|grass|garden|yard|back yard|front yard)', 'time to mow [the lawn]', '(let|have) <mower> (cut|mow) the (grass|lawn)', 'send <mower> out', '<mower> start [mowing]'], domains: ['lawn_mower'] },
  { intent: 'HassLawnMowerStartMowing', sentences: ['(start|run|launch) {target}', '(have|let|tell|send|ask) {target} [to] (mow|cut|start mowing) [the (lawn|grass|garden|yard)]', 'send {target} out', '{target} (start|mow) [the lawn]', 'get {target} (going|started|mowing)'], domains: ['lawn_mower'], weak: true },

  // Vacuum and mower, more ways of saying it (text only).
  {
    intent: 'HassVacuumReturnToBase',
    sentences: [
      '(send|return|bring|call|take|get) <vacuum> <base_text>',
      '(tell|ask|have|make|get|let) <vacuum> [to] (go|return|head|come) <base_text>',
      '<vacuum> [please] (go|return|head|come) <base_text>',
      '(go|head) <base_text> <vacuum>',
      '(dock|park|recall|stop) <vacuum> [now]',
      '<vacuum> (dock|stop) [now]',
      '(stop|end|finish) (vacuuming|cleaning|hoovering) [now] [and (go|return|head|come) <base_text>]',
      '(call|bring) <vacuum> (back|home|in)',
    ],
    domains: ['vacuum'],
    weak: true,
  },
  {
    intent: 'HassVacuumStart',
    sentences: [
      '(vacuum|hoover|clean) (the whole house|the house|the entire house|the home|everywhere|all the rooms|all rooms|the floors|the floor|the carpets)',
      '(start|run|begin|launch|do) [a] (cleaning|vacuum|vacuuming|hoovering) (cycle|run|job|session) [(in|on) {where}]',
      '(send|get|set) <vacuum> (to clean|cleaning|to work|off) [(in|on) {where}]',
      '(have|let|tell|send|ask|make|get) <vacuum> [to] (clean|vacuum|hoover) {where}',
      '<vacuum> [please] (clean|vacuum|hoover) {where}',
      '(clean|vacuum|hoover) {where} [please]',
      '(start|begin) (vacuuming|cleaning|hoovering) (in|on) {where}',
      '(turn|switch) on <vacuum>',
    ],
    domains: ['vacuum'],
    weak: true,
  },
  {
    intent: 'HassLawnMowerDock',
    sentences: [
      '(send|return|bring|call|take|get) <mower> <base_text>',
      '(tell|ask|have|make|get|let) <mower> [to] (go|return|head|come) <base_text>',
      '<mower> [please] (go|return|head|come) <base_text>',
      '(dock|park|recall|stop) <mower> [now]',
      '(stop|end|finish) (mowing|cutting the grass|cutting the lawn) [now] [and (go|return|head|come) <base_text>]',
      '(call|bring) <mower> (back|home|in)',
    ],
    domains: ['lawn_mower'],
    weak: true,
  },
  {
    intent: 'HassLawnMowerStartMowing',
    sentences: [
      '(start|begin|run) [the] (mowing|mower|lawn mowing)',
      '(start|begin|go) mowing <lawn>',
      '(mow|cut|trim) <lawn> [please|now|today]',
      '(time to|go) (mow|cut) <lawn>',
      '<lawn> needs (mowing|cutting|a cut|a trim)',
      '(have|let|get|tell|ask|send|make) <mower> [to] (mow|cut|start mowing) [the (lawn|grass|garden|yard)]',
      '(send|get|set) <mower> (out|going|off|to work|mowing)',
      '(mow|cut) (the lawn|the grass|the garden|the yard|the back yard|the front yard)',
      '<mower> [please] (mow|cut) the (lawn|grass)',
      '(turn|switch) on <mower>',
    ],
    domains: ['lawn_mower'],
    weak: true,
  },

  {
    intent: 'HassVacuumReturnToBase',
    sentences: ['(send|return|bring|call|take|get) {target} <base_text>', '(tell|ask|have|make|get|let) {target} [to] (go|return|head|come) <base_text>', '{target} [please] (go|return|head|come) <base_text>', '{target} (dock|stop) [now]'],
    domains: ['vacuum'],
    weak: true,
  },
  {
    intent: 'HassVacuumStart',
    sentences: ['(have|let|tell|send|ask|make|get) {target} [to] (clean|vacuum|hoover|do) {where}', '{target} [please] (clean|vacuum|hoover) {where}', '(start|run|launch|send) {target} (in|on|to) {where}', 'can {target} (clean|vacuum|hoover|do) {where}'],
    domains: ['vacuum'],
    weak: true,
  },
  {
    intent: 'HassLawnMowerDock',
    sentences: ['(send|return|bring|call|take|get) {target} <base_text>', '(tell|ask|have|make|get|let) {target} [to] (go|return|head|come) <base_text>', '{target} [please] (go|return|head|come) <base_text>', '{target} (dock|stop) [now]'],
    domains: ['lawn_mower'],
    weak: true,
  },
  {
    intent: 'HassLawnMowerStartMowing',
    sentences: ['(have|let|tell|send|ask|make|get) {target} [to] (mow|cut|do) <lawn>', '{target} [please] (mow|cut) <lawn>', '(send|get|set) {target} (out|going|off|to work|mowing)'],
    domains: ['lawn_mower'],
    weak: true,
  },

  // Broadcast (open vocabulary).
  { intent: 'HassBroadcast', sentences: ['(let|tell) (everyone|everybody|the house|the whole house|the family|the kids) know [that] {message}', '(shout|call out|say) to (everyone|everybody|the house|the whole house) [that] {message}', '(broadcast|announce) to (everyone|everybody|the house|the whole house|all rooms) [that] {message}'], weak: true },
  { intent: 'HassBroadcast', sentences: ['(broadcast|announce) [that] {message}', 'tell (everyone|everybody|the house|the whole house) [that] {message}', '(make an announcement|send a broadcast) [that] {message}'] },

  // State questions.
  { intent: 'HassGetState', sentences: ['(is|are) (anyone|anybody|someone|somebody|people) (home|at home|in|in the house)', 'who is (home|at home|in the house)', 'is (anyone|anybody|somebody|someone) here'], slots: { domain: 'person', state: 'home' } },
  { intent: 'HassGetState', sentences: ['(how humid is it|what is the humidity|whats the humidity) [inside|in here|here]', '(how humid is it|what is the humidity|whats the humidity) [in|on] {where}', '(how humid|what is the humidity) (in|on) {where}', 'how humid is {where}'], targetWord: 'humidity' },
  { intent: 'HassGetState', sentences: ['(what is|whats|how is|check) the battery [level] (of|on|for|in) {target}', 'how much battery (does|do|is left on|is left in) {target} [have|got] [left]', 'how much battery has {target} got [left]', '(what is|whats) the [remaining] battery [level] (of|on|for|in) {target}', '(is|are) {target} [battery] (low|running low|dying)', '(what is|whats) {target} battery [level|at]', 'how is {target} battery [doing]'], targetWord: 'battery', slots: { domain: 'sensor', device_class: 'battery' } },
  { intent: 'HassGetState', sentences: ['(what is|whats) the (co2|carbon dioxide) [level] [[in|on] {where}]', 'how is the air [quality] [[in|on] {where}]'], targetWord: 'co2', slots: { domain: 'sensor', device_class: 'carbon_dioxide' } },
  { intent: 'HassGetState', sentences: ['(is|was) there [any] (motion|movement) [detected] [[in|on|at] {where}]', '(is|has) (anyone|anybody|someone|something) (moving|moved) [[in|on|at] {where}]', 'any (motion|movement) [[in|on|at] {where}]'], targetWord: 'motion', slots: { state: 'on' } },
  { intent: 'HassGetState', sentences: ['(is|are) [there] (a leak|any leaks|water) [[in|on] {where}]', '(is|are) {target} (leaking|wet)'], targetWord: 'leak', slots: { state: 'on' } },
  { intent: 'HassGetState', sentences: ['where is {target}'], domains: ['person', 'device_tracker'], slots: { domain: 'person' } },
  { intent: 'HassGetState', sentences: ['(is|are) {target} [at] home [yet|now]', '(is|are) {target} back [home] [yet]'], slots: { state: 'home' }, domains: ['person', 'device_tracker'] },
  { intent: 'HassGetState', sentences: ['(what is|whats) the volume [set to|at] [(on|of|in) {target}]', 'how loud is {target}'], targetWord: 'media player', domains: media },
  { intent: 'HassGetState', sentences: ['(what is|whats) playing [(on|in) {target}]', 'what (song|track) is (this|playing)'], domains: media },
  {
    intent: 'HassGetState',
    sentences: [
      '(is|are) {target} [turned|switched|still|currently|now|all] {state} [right now|now|yet]',
      '(is|are) {target} {state} (in|on) {where}',
      '(is|are) [there] any {target} [still|currently|left] {state} [[in|on] {where}]',
      '(is|are) any of {target} {state}',
      'any {target} [still|currently|left] {state} [[in|on] {where}]',
      '(which|what) {target} (is|are) [still|currently] {state} [[in|on] {where}]',
      'how many {target} (is|are) [still|currently] {state} [[in|on] {where}]',
      'did (i|we|you|someone|somebody|anyone) (leave|forget) {target} {state}',
      '(is|are) {target} (running|working|going)',
      '<what_is> [the] (state|status) of {target}',
      '(do you know|tell me) [the] [current] (state|value|status) of {target}',
      'is [the] state of {target} {state}',
      '(do you know|tell me) if there are any {target} {state} [[in|on] {where}]',
      'are all [the] {target} [switched|turned|set [to]] {state} [[in|on] {where}]',
      'are all [the] {target} (in|on) {where} [switched|turned|set [to]] {state}',
      '[do you know] (which|what) {target} (is|are) {state} [[in|on] {where}]',
      '[tell me] how many {target} (is|are) {state} [[in|on] {where}]',
      '(what is|how is|whats) {target} (doing|at|reading|showing)',
      'what does {target} (say|read|show)',
      '(what is|whats) {target} reading',
      'how many (things|items|entries) (are|do i have|do we have) (on|in) {target}',
      '(what is|whats) on {target}',
      'check {target}',
    ],
  },
  { intent: 'HassGetState', sentences: ['did (i|we|you|someone|anyone) lock {target}'], slots: { state: 'locked' } },
  // "did the chicken door close", "has the gate shut yet": whether it is now closed, open or locked.
  { intent: 'HassGetState', sentences: ['(did|has) {target} (close|closed|shut) [properly|yet|ok|okay]'], slots: { state: 'closed' }, domains: ['cover', 'valve'], weak: true },
  { intent: 'HassGetState', sentences: ['(did|has) {target} (open|opened) [properly|yet|ok|okay]'], slots: { state: 'open' }, domains: ['cover', 'valve'], weak: true },
  { intent: 'HassGetState', sentences: ['(did|has) {target} lock [properly|yet|ok|okay]', '(did|has) {target} locked [properly|yet]'], slots: { state: 'locked' }, domains: ['lock'], weak: true },
  { intent: 'HassGetState', sentences: ['(has there been|have there been|was there|were there|did (you|it) (see|detect|pick up)) [any] (motion|movement) [recently|lately|today] [[in|on|at] {where}]', 'is (anyone|anybody|someone|something) moving [[in|on|at] {where}]'], targetWord: 'motion', slots: { state: 'on' }, weak: true },
  { intent: 'HassGetState', sentences: ['any (leaks|leak|water leaks|flooding) [[in|on] {where}]', '(is|are) there (any water|water|a flood|any flooding|flooding) [on the floor] [[in|on] {where}]', '(is|has) (anything|something) (leaking|leaked|flooded) [[in|on] {where}]'], targetWord: 'leak', slots: { state: 'on' }, weak: true },
  { intent: 'HassGetState', sentences: ['(have|has) (i|we|you|someone|somebody|anyone) (left|forgotten) {target} {state}', '(did|have) (i|we|you|someone|anyone) (turn|switch|turned|switched) {target} {state}', '(is|are) {target} {state} {where}', '(is|are) {target} (still|currently|now) {state} [{where}]'], weak: true },
  { intent: 'HassGetState', sentences: ['(did|have) (i|we|you|someone|anyone) (arm|set|armed) {target}', '(is|are) {target} (set|on guard|active)'], slots: { state: 'armed' }, domains: ['alarm_control_panel'], weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) there (anyone|anybody|someone|somebody|people) (home|at home|in the house|here)'], slots: { domain: 'person', state: 'home' }, weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) {target} [still] (out|extended)'], slots: { state: 'open' }, domains: covers, weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) {target} [still] (in|retracted)'], slots: { state: 'closed' }, domains: covers, weak: true },
  { intent: 'HassGetState', sentences: ['(where is|where are) (everyone|everybody|the family|the kids|people)', '(is|are) (everyone|everybody) (home|at home|in|back|here)', 'who is (here|around|in|back|in the house|at home|home) [right now|now]', '(has|have) (anyone|anybody|someone|somebody) (come|got|gotten) home [yet]', 'is (the house|the home) (empty|occupied)', '(anyone|anybody|someone|somebody) (home|at home|in the house)'], slots: { domain: 'person', state: 'home' }, weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) {target} (out|away|not home|not at home|gone|still out) [right now|now|yet]', 'has {target} (left|gone out|left home|left the house)'], slots: { state: 'not_home' }, domains: ['person', 'device_tracker'], weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) {target} (low on|running low on|running out of|out of) (battery|charge|power|juice)', '(does|do) {target} need (charging|a charge|new batteries|a new battery|to be charged)', '(is|are) {target} [battery] (flat|dead|almost dead|nearly dead|almost flat|nearly flat|low|running low|dying)', 'how (charged|full) is {target}', '(what is|whats) {target} (battery|charge) [level] [at|on]', 'battery (level|status) (of|on|for) {target}'], targetWord: 'battery', slots: { domain: 'sensor', device_class: 'battery' }, weak: true },
  { intent: 'HassGetState', sentences: ['how much (power|energy|electricity) (is|are) {target} (producing|making|generating|using|drawing|pulling|putting out)', '(what is|whats|how much is) {target} (output|producing|generating|making|using|drawing)', '(what is|whats) the (output|production|power|reading|value|level) (of|on|from) {target}'], weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) (anyone|anybody|someone|somebody) (in|using) {where}', 'is there (anyone|anybody|someone|somebody) in {where}', '[is|are] [there] (anyone|anybody|someone|somebody) [out] (on|at|in) {where} [right now|now]'], slots: { state: 'occupied' }, weak: true },
  { intent: 'HassGetState', sentences: ['did (i|we|you|someone|anyone) (close|shut) {target}'], slots: { state: 'closed' } },
  { intent: 'HassGetState', sentences: ['(what is|whats) {target}', 'how (is|are) {target}'], weak: true },

  // On/off and friends.
  { intent: 'HassToggle', sentences: ['(toggle|flip) {target}', '(toggle|flip) {target} [on|off]'], domains: ['light', 'switch', 'fan', 'input_boolean', 'media_player', 'cover'] },
  { intent: 'HassTurnOn', sentences: ['lock [up] {target}', 'lock up'], domains: ['lock'] },
  { intent: 'HassTurnOff', sentences: ['unlock {target}'], domains: ['lock'] },
  { intent: 'HassTurnOn', sentences: ['(open|raise|lift|roll up|pull up) [up] {target}', '(open|raise) {target} [all the way|fully] [up]'], domains: covers },
  { intent: 'HassTurnOn', sentences: ['{target} up'], domains: covers, weak: true },
  { intent: 'HassTurnOff', sentences: ['(close|shut|lower|draw|roll down|pull down) {target}', '(close|shut|lower) {target} [all the way|fully] [down]'], domains: covers },
  { intent: 'HassTurnOff', sentences: ['{target} down'], domains: covers, weak: true },
  { intent: 'HassTurnOn', sentences: ['(activate|run|trigger) [the] scene {target}', 'scene {target}'], domains: ['scene', 'script'] },
  { intent: 'HassTurnOn', sentences: ['(activate|run|start|play|trigger|set) {target} [scene]', '{target} scene'], domains: ['scene', 'script'], weak: true },
  { intent: 'HassTurnOn', sentences: ['(activate|run|start|trigger|execute|do|launch) [the|my] {target} (script|routine|automation)', '(activate|run|start|trigger|set|go to|switch to) [the|my] {target} scene', '{target} (script|routine) [on|please]', '(it is|its) {target} time'], domains: ['scene', 'script'], weak: true },
  // Covers that roll out (awnings) and a target said first ("the side door, lock it") (text only).
  { intent: 'HassTurnOn', sentences: ['(extend|roll out|put out|pull out|let out|unroll|unfurl) {target}', '{target} out'], domains: covers, weak: true },
  { intent: 'HassTurnOff', sentences: ['(retract|roll in|bring in|pull in|put away|wind in|furl) {target}', '{target} in'], domains: covers, weak: true },
  { intent: 'HassTurnOn', sentences: ['{target} (switch|turn|put) (it|them) on'], weak: true },
  { intent: 'HassTurnOff', sentences: ['{target} (switch|turn) (it|them) <off>'], weak: true },
  { intent: 'HassTurnOn', sentences: ['(can|could|may) (i|we) (get|have) {target} on', '(let us|lets) (get|have|put|turn|switch) {target} on', '(get|have) {target} on [now]'], weak: true },
  { intent: 'HassTurnOff', sentences: ['(can|could|may) (i|we) (get|have) {target} off', '(let us|lets) (get|have|put|turn|switch) {target} off', '(get|have) {target} off [now]'], weak: true },
  { intent: 'HassTurnOn', sentences: ['(pull|roll|bring|put|wind|lift|send) {target} up', '(pull|roll|bring|lift) up {target}'], domains: covers, weak: true },
  { intent: 'HassTurnOff', sentences: ['(pull|roll|bring|put|wind|let|drop|send) {target} down', '(pull|roll|bring|let|drop) down {target}'], domains: covers, weak: true },
  { intent: 'HassTurnOn', sentences: ['{target} (lock|secure) (it|them)'], domains: ['lock'], weak: true },
  { intent: 'HassTurnOff', sentences: ['{target} unlock (it|them)'], domains: ['lock'], weak: true },
  { intent: 'HassTurnOn', sentences: ['{target} open (it|them) [up]'], domains: covers, weak: true },
  { intent: 'HassTurnOff', sentences: ['{target} (close|shut) (it|them)'], domains: covers, weak: true },
  { intent: 'HassTurnOn', sentences: ['(light|lights) [on] (in here|here) [now]', '(light|lights) on', '(it is|its) [a bit|rather|pretty|quite] dark (in here|here)', '(can i|could i|can we) (have|get) some light [in here|here]', 'i (need|want) [some|more] light [in here|here]'], weak: true },
  { intent: 'HassLightSet', sentences: ['make it (brighter|lighter) [in here|here]', '(brighten|lighten) (it|things) up [in here|here]', 'more light [in here|here] [please]'], slots: { brightness_step: 25 }, weak: true },
  { intent: 'HassLightSet', sentences: ['make it (darker|dimmer) [in here|here]', 'less light [in here|here] [please]'], slots: { brightness_step: -25 }, weak: true },
  { intent: 'HassMediaPlayerMute', sentences: ['(mute|silence) (this|that|it)'], domains: media, weak: true },
  { intent: 'HassMediaPrevious', sentences: ['[go] back (one|a) (track|song)', '(last|previous) (song|track) again', '(restart|replay) [the|this] (song|track) [(in|on) {target}]', 'start (this|the) (song|track) (again|over)', 'play (that|the last|the previous) (song|track) again'], domains: media, weak: true },
  { intent: 'HassSetPosition', sentences: ['{target} halfway [open|up|down|please]', '(open|close|raise|lower) (it|them) halfway', '{target} (to|at) half [way]'], slots: { position: 50 }, domains: covers, weak: true },
  {
    intent: 'HassTurnOn',
    sentences: [
      '<turn> on {target}', '<turn> {target} on', '(enable|power on|power up|light up|plug in|boot up|fire up|activate) {target}',
      'on with {target}', '(it is|its) (too|so|very|really) dark [in here|here]', 'i can not see [a thing|anything] [in here]',
      '<turn> {target} on [in|on] {where}',
    ],
  },
  { intent: 'HassTurnOn', sentences: ['{target} on', '{target} on [in|on] {where}', 'i (want|need|would like) {target} on', '(start|turn on) {target}', '(light|lights) [please]'], weak: true },
  {
    intent: 'HassTurnOff',
    sentences: [
      '<turn> <off> {target}', '<turn> {target} <off>', '(disable|deactivate|power off|power down|kill|shut off|shut down|unplug|cut) {target}',
      '<off> with {target}', '<turn> {target} <off> [in|on] {where}',
      '(lights|light) out [[in|on] {where}]', '(it is|its) (too|so|very|really) bright [in here|here] [<turn> {target} <off>|<turn> <off> {target}]',
    ],
  },
  { intent: 'HassTurnOff', sentences: ['{target} <off>', '{target} <off> [in|on] {where}', 'i (want|need|would like) {target} off'], weak: true },
  { intent: 'HassTurnOff', sentences: ['stop {target}'], weak: true },
];

/** Every template, most specific first (the matcher tries them in this order). */
export const commandTemplates: readonly CommandTemplate[] = [...baseTemplates, ...haPhrasings];

/** Requests heavy enough for a worker: the word that starts them and the task type they become. */
export const coldTemplates: ReadonlyArray<{ task: string; sentences: readonly string[] }> = [
  { task: 'summarise', sentences: ['(summarise|summarize|sum up|recap|give me a summary of|give me a recap of) {request}'] },
  { task: 'research', sentences: ['(research|look into|investigate|find out about|dig into) {request}'] },
  { task: 'write', sentences: ['(write|draft|compose) {request}'] },
  { task: 'analyse', sentences: ['(analyse|analyze|compare) {request}'] },
  { task: 'translate', sentences: ['translate {request}'] },
  { task: 'plan', sentences: ['(plan|make a plan for|come up with a plan for) {request}'] },
];

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternation = (words: Iterable<string>): string => [...words].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
const DURATION_UNIT = '(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)';
const DURATION_PART = `(?:(?:another|an extra|extra) )?(?:\\d+(?:\\.\\d+)?|a|an|another) (?:more |extra )?${DURATION_UNIT}(?: and a half)?`;
const SLOT_PATTERNS: Record<string, string> = {
  // At least one word besides an article, so "set the thermostat to" does not stop at "the".
  target: '(?:(?:the|my|our|a|an|this|that|these|those) )?(?!(?:the|my|our|a|an) )[^ ]+(?: [^ ]+)*?',
  number: '-?\\d+(?:\\.\\d+)?',
  text: '.+?',
  // Amounts and units only ("5 minutes", "1 hour and 10 minutes", "an hour and a half"), so a duration never
  // swallows the words of a timer's name ("a 5 minute pasta timer").
  duration: `(?:${DURATION_PART}(?: (?:and )?${DURATION_PART})*(?: (?:and )?[1-5]?\\d)?|${DURATION_UNIT})`,
  timer: "(?!(?:the|my|a|an|this|that|all|every|pause|stop|cancel|start|set|him|her|them|me|us|it|you|everyone|everybody) )[a-z']+(?: (?!(?:the|my|a|an) )[a-z']+)?",
  color: alternation(Object.keys(COLORS)),
  state: alternation(Object.keys(STATE_WORDS)),
  media_class: alternation(Object.keys(MEDIA_CLASSES)),
};

/** The rules tier 0 matches with: the speech grammar's and those only text phrasings use. */
export const textRules: Readonly<Record<string, string>> = expansionRules;
const RULES = new RuleSet(textRules);

/**
 * A regular expression for one sentence over normalised text with a trailing space (every piece ends in a
 * space, so optional pieces compose). Slots become named groups; a slot used twice keeps its first group.
 */
export function compileTemplate(sentence: string, extraSlots: Readonly<Record<string, string>> = {}, rules: RuleSet = RULES): RegExp {
  const named = new Set<string>();
  const emit = (n: TemplateNode): string => {
    switch (n.kind) {
      case 'word':
        // Input is normalised ("go back one track" → "go back 1 track"); the template's words must be too. "the" may
        // go unsaid, as people and recognisers drop it ("stop music in kitchen", "set bath timer for 15 minutes"), or be
        // "my"/"our" ("pause my movie", "send our mower home").
        if (n.word === 'the') return '(?:(?:the|my|our) )?';
        return `${escapeRe(normalizeWord(n.word))} `;
      case 'seq':
        return n.items.map(emit).join('');
      case 'alt':
        return `(?:${n.options.map(emit).join('|')})`;
      case 'opt':
        return `(?:${emit(n.item)})?`;
      case 'rule':
        return emit(rules.get(n.name));
      case 'slot': {
        const kind = slotKinds[n.name];
        const pattern = extraSlots[n.name] ?? (kind ? SLOT_PATTERNS[kind] : undefined);
        if (!pattern) throw new InternalError('JARVIS_INTERNAL_INVARIANT', `unknown slot {${n.name}} in "${sentence}"`);
        // A slot said in several places of one sentence ("the timer called {timer_name}" or "the {timer_name}
        // timer"): each place its own group, `name__2`…, which the matcher reads as `name`.
        let group = n.name;
        for (let k = 2; named.has(group); k++) group = `${n.name}__${k}`;
        named.add(group);
        return `(?<${group}>${pattern}) `;
      }
    }
  };
  const tree = parseTemplate(sentence);
  rules.closure(tree);
  return new RegExp(`^${emit(tree)}$`);
}

/**
 * Words every sentence of a template says (normalised as input is): the matcher skips a template whose words
 * are not all in the input before running its regular expression, which keeps tier 0 fast with hundreds of them.
 */
export function requiredWords(sentence: string, rules: RuleSet = RULES): Set<string> {
  const req = (n: TemplateNode): Set<string> => {
    switch (n.kind) {
      case 'word': return n.word === 'the' ? new Set() : new Set(normalizeWord(n.word).split(' '));
      case 'slot': case 'opt': return new Set();
      case 'rule': return req(rules.get(n.name));
      case 'seq': return new Set(n.items.flatMap((i) => [...req(i)]));
      case 'alt': {
        const sets = n.options.map(req);
        return new Set([...(sets[0] ?? [])].filter((w) => sets.every((x) => x.has(w))));
      }
    }
  };
  return req(parseTemplate(sentence));
}

/**
 * Groups of words of which every sentence of a template says at least one ("(mute|silence)"): a second cheap filter
 * for templates that have no word they always say ("{target} (mute|silence)").
 */
export function requiredAnyOf(sentence: string, rules: RuleSet = RULES): string[][] {
  const groups: string[][] = [];
  const walk = (n: TemplateNode): void => {
    switch (n.kind) {
      case 'seq': n.items.forEach(walk); break;
      case 'rule': walk(rules.get(n.name)); break;
      case 'alt': {
        const sets = n.options.map((o) => requiredOf(o));
        if (sets.every((x) => x.size > 0)) groups.push([...new Set(sets.flatMap((x) => [...x]))]);
        break;
      }
      default: break;
    }
  };
  const requiredOf = (n: TemplateNode): Set<string> => {
    switch (n.kind) {
      case 'word': return n.word === 'the' ? new Set() : new Set(normalizeWord(n.word).split(' '));
      case 'slot': case 'opt': return new Set();
      case 'rule': return requiredOf(rules.get(n.name));
      case 'seq': return new Set(n.items.flatMap((i) => [...requiredOf(i)]));
      case 'alt': {
        const sets = n.options.map(requiredOf);
        return new Set([...(sets[0] ?? [])].filter((w) => sets.every((x) => x.has(w))));
      }
    }
  };
  walk(parseTemplate(sentence));
  return groups.filter((g) => g.length > 0);
}

/** Values to put in each slot when expanding phrases for a grammar (words, not digits). */
export type SlotValues = Readonly<Record<string, readonly string[]>>;

/** Expands one sentence into every phrase it accepts with the given slot values, stopping at `limit`. */
export function expandTemplate(sentence: string, values: SlotValues, limit = 10_000, rules: RuleSet = RULES): string[] {
  const expand = (n: TemplateNode): string[] => {
    switch (n.kind) {
      case 'word': return [n.word];
      case 'slot': return [...(values[n.name] ?? [])];
      case 'rule': return expand(rules.get(n.name));
      case 'alt': return n.options.flatMap(expand).slice(0, limit);
      case 'opt': return ['', ...expand(n.item)].slice(0, limit);
      case 'seq': {
        let acc: string[] = [''];
        for (const item of n.items) {
          const parts = expand(item);
          const next: string[] = [];
          outer: for (const a of acc) {
            for (const p of parts) {
              next.push(a && p ? `${a} ${p}` : a || p);
              if (next.length >= limit) break outer;
            }
          }
          acc = next;
        }
        return acc;
      }
    }
  };
  return [...new Set(expand(parseTemplate(sentence)).map((s) => s.trim()).filter(Boolean))].slice(0, limit);
}

/** Numbers spoken as words, for grammar expansion of number slots. */
export function numberWordsRange(from: number, to: number, step = 1): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n += step) out.push(numberToWords(n));
  return out;
}
