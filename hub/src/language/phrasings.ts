import type { CommandTemplate } from './command-template.js';

/**
 * More of the ways Home Assistant's English sentences say its built-in intents (facts read from
 * home-assistant/intents `sentences/en`: word orders, "illuminate", "turn out", "make sure … are off", a timer
 * named or placed after the word timer, "increase/decrease X to N", "turn the volume up to N", "{query} album"),
 * written as our own templates. All are `weak`: text only, so the speech grammar (strict templates) does not grow,
 * and an unknown target makes them passive rather than a refusal. Tried after the templates of `templates.ts`.
 */

const covers = ['cover', 'valve'];
const media = ['media_player'];

/** Rules these templates use (kept apart from the speech grammar's rules, which compile only strict templates). */
export const phrasingRules: Readonly<Record<string, string>> = {
  // A timer said by its name, its place or its length after the word timer, or before it ("the pasta timer").
  timer_ref:
    '([the|my|a] (timer|timers) (named|called|for) [the|my|a] {timer_name}|[the|my] (timer|timers) (in|for) [the] {timer_name}|[the|my|a|an] {start_duration} (timer|timers)|[the|my|a] (timer|timers) (for|of) {start_duration}|[the|my|a] {timer_name} (timer|timers)|[the|my|a] (timer|timers))',
  everywhere: '(everywhere|all over [the] (house|home|place)|throughout the (house|home)|in (every|each) room|in all [of] [the] rooms|in the (whole|entire) (house|home))',
  value_verb: '(increase|decrease|raise|lower|bring|adjust|change|turn up|turn down|put)',
};

export const haPhrasings: readonly CommandTemplate[] = [
  // Timers by name, place or length ("cancel the timer called pasta", "pause the timer for 10 minutes").
  { intent: 'HassCancelAllTimers', sentences: ['<cancel> (all|every) [of] [the|my] {timer_name} timers', '<cancel> (all|every) [of] [the|my] timers (in|for) [the] {timer_name}'], weak: true },
  { intent: 'HassCancelTimer', sentences: ['<cancel> <timer_ref>'], weak: true },
  { intent: 'HassPauseTimer', sentences: ['(pause|hold|freeze|suspend) <timer_ref>', 'put <timer_ref> on hold'], weak: true },
  // A timer stopped for a while is paused ("stop the timer for a second", "hold the timer a sec").
  { intent: 'HassPauseTimer', sentences: ['(pause|hold|freeze|stop) <timer_ref> [for] (a|one) (sec|second|moment|minute|bit|tick|mo|while)'], weak: true },
  { intent: 'HassCancelTimer', sentences: ['(scrap|ditch|drop|bin|nix|forget) <timer_ref>', '(switch|shut) off <timer_ref>', '(turn|switch|shut) <timer_ref> off', '<timer_ref> off'], weak: true },
  { intent: 'HassUnpauseTimer', sentences: ['(resume|unpause|continue|restart|unfreeze) <timer_ref>', 'start <timer_ref> again'], weak: true },
  {
    intent: 'HassIncreaseTimer',
    sentences: ['(add|put) [another|an extra|extra] {duration} [more|extra] (to|on) <timer_ref>', '(increase|extend|lengthen) <timer_ref> by {duration}'],
    weak: true,
  },
  {
    intent: 'HassDecreaseTimer',
    sentences: ['(remove|take|subtract|knock|shave|cut|deduct) {duration} [(from|off)] <timer_ref>', '(decrease|reduce|shorten) <timer_ref> by {duration}'],
    weak: true,
  },
  {
    intent: 'HassTimerStatus',
    sentences: [
      '[how much] time [is] (left|remaining) (on|for|in) <timer_ref>',
      'how (long|much longer) [is] (left|remaining) (on|for|in) <timer_ref>',
      '(status of|check on|check) <timer_ref>',
      '<timer_ref> status',
    ],
    weak: true,
  },
  {
    intent: 'HassStartTimer',
    sentences: [
      '[<timer_ask>] [a|an|the|my] timer (for|of) {duration} (named|called|for) [the|my|a] {timer_name}',
      '[<timer_ask>] [a|an|the|my] {duration} timer (named|called|for) [the|my|a] {timer_name}',
      '(set|start|create|make) (my|the) timer (for|of) {duration}',
    ],
    weak: true,
  },

  // A timer asked for in other words: an "alarm" for a length, "put a timer on for the pizza", a timer by its name
  // alone ("how much longer on the pizza", "how long until the pizza is done").
  { intent: 'HassStartTimer', sentences: ['(set|start|put on|give me) [me] [an|a] alarm (for|of|in) {duration}', '(put|set|start) [a|an|the] timer on for [the|my] {timer_name} for {duration}', '(put|set|start) [a|an|the] timer on for {duration} for [the|my] {timer_name}'], weak: true },
  {
    intent: 'HassTimerStatus',
    // Not "how long is left on the mortgage": without the word timer, only "how much longer" and "until … is done".
    sentences: ['how much longer (on|for) [the|my] {timer_name}', 'how long (until|till|before) [the|my] {timer_name} (is|are) (done|ready|cooked)'],
    weak: true,
  },
  // Timers in everyday words ("give the roast another ten minutes", "is the egg timer nearly done").
  { intent: 'HassIncreaseTimer', sentences: ['give [the|my] {timer_name} [timer] (another|an extra|extra) {duration} [more]', 'give [the|my] {timer_name} [timer] {duration} more', 'give [the|my] {timer_name} [timer] {duration}'], weak: true },
  {
    intent: 'HassUnpauseTimer',
    sentences: ['(resume|restart|continue|unpause|start) <timer_ref> (again|from where (it|we) (left off|stopped)|where it (was|left off|stopped)|from where it was)'],
    weak: true,
  },
  {
    intent: 'HassTimerStatus',
    sentences: [
      '<what_is> [the] (status|state) of <timer_ref>',
      '(is|are) <timer_ref> [nearly|almost|about|just about] (done|finished|up|over|ready) [yet|now]',
    ],
    weak: true,
  },

  // A scene said by its name alone, or changed to ("movie time", "change to the workout scene").
  { intent: 'HassTurnOn', sentences: ['{target}', '(change|transition|switch) to [the] {target} [scene]', '(change|transition|switch) to scene {target}'], domains: ['scene'], exactName: true, weak: true },
  // A script said by its name alone, or run ("lock up for the night", "run bedtime"), as Home Assistant's script sentences.
  { intent: 'HassTurnOn', sentences: ['{target}', '(run|start|activate|do) [the] {target} [script]'], domains: ['script'], exactName: true, weak: true },
  { intent: 'HassTurnOn', sentences: ['{target} on <everywhere>'], targetWord: 'everywhere', weak: true },
  { intent: 'HassTurnOff', sentences: ['{target} <off> <everywhere>'], targetWord: 'everywhere', weak: true },
  { intent: 'HassGetCurrentDate', sentences: ['<what_is> [the] todays date', '(tell me|give me) the date [today|please]'], weak: true },

  // Lights on and off as Home Assistant says it.
  { intent: 'HassTurnOn', sentences: ['illuminate {target}', '(light up|illuminate) <everywhere>', 'make sure {target} (is|are) [all] [switched|turned] on'], weak: true },
  { intent: 'HassTurnOn', sentences: ['<turn> {target} on <everywhere>', '<turn> on {target} <everywhere>', '(activate|illuminate|light up) {target} <everywhere>'], targetWord: 'everywhere', weak: true },
  { intent: 'HassTurnOff', sentences: ['<turn> {target} <off> <everywhere>', '<turn> <off> {target} <everywhere>', 'deactivate {target} <everywhere>'], targetWord: 'everywhere', weak: true },
  { intent: 'HassTurnOn', sentences: ['light (it|this place|the place|things) up [in here|here]', 'light up [in here|here]'], domains: ['light'], weak: true },
  { intent: 'HassTurnOff', sentences: ['<turn> out {target}', '<turn> {target} out'], domains: ['light'], weak: true },
  { intent: 'HassTurnOff', sentences: ['make sure {target} (is|are) [all] [switched|turned] (<off>|out)'], weak: true },

  // A value set with another verb ("increase the lamp to 60", "bring the blind to 40 percent").
  {
    intent: 'HassLightSet',
    sentences: ['<value_verb> {target} [brightness] (to|at) {brightness} [percent] [brightness]', '<value_verb> [the] brightness (of|on|in|for) {target} to {brightness} [percent]', '{target} brightness [to|at] {brightness} [percent]'],
    domains: ['light'],
    weak: true,
  },
  { intent: 'HassLightSet', sentences: ['(<set>|bring) {target} [brightness] to (max|maximum|highest|full) [brightness]', '{target} (to|at) (max|maximum|highest) [brightness]'], slots: { brightness: 100 }, domains: ['light'], weak: true },
  { intent: 'HassLightSet', sentences: ['(turn|bring|put) {target} up to (full|max|maximum|highest) [brightness]'], slots: { brightness: 100 }, domains: ['light'], weak: true },
  {
    intent: 'HassLightSet',
    sentences: ['(<set>|<turn>|make|change) {target} [to|into] [a|an] (soft|warm|deep|bright|pale|nice|gentle|rich|cosy|cozy) {color}'],
    domains: ['light'],
    weak: true,
  },
  { intent: 'HassLightSet', sentences: ['(<set>|bring|dim) {target} [brightness] to (min|minimum|lowest) [brightness]', '{target} (to|at) (min|minimum|lowest) [brightness]'], slots: { brightness: 1 }, domains: ['light'], weak: true },
  {
    intent: 'HassLightSet',
    sentences: ['(<set>|<turn>|bring) {target} (color|colour) [to] {color}', '[<set>|<turn>] [the] (color|colour) of {target} [to] {color}', '{target} (color|colour) [to] {color}'],
    domains: ['light'],
    weak: true,
  },
  { intent: 'HassSetPosition', sentences: ['(<value_verb>|lift|shut|open|close|roll) {target} [position] (to|at) {position} [percent]'], domains: covers, weak: true },
  // The room's lights as "it" ("make it 30 percent in here", "dim it to 20 percent").
  { intent: 'HassLightSet', sentences: ['(make|put|turn|dim|brighten|bring) (it|them|things) [up|down] [to] {brightness} percent [brightness] [here|in here|(in|at) {where}]'], domains: ['light'], weak: true },
  // The value said before the thing ("set to 50 percent the kitchen light", "brightness 50 percent kitchen light").
  { intent: 'HassLightSet', sentences: ['[<set>] [to] {brightness} percent [brightness] [(on|for|of|in)] {target}', '[<set>] [the] brightness [to] {brightness} [percent] (on|for|of|in) {target}', 'brightness {brightness} [percent] {target}', '<set> [the] brightness (here|in here) (to|at) {brightness} [percent]'], domains: ['light'], weak: true },
  { intent: 'HassSetPosition', sentences: ['<set> [to] {position} percent [(on|for|of)] {target}'], domains: covers, weak: true },
  {
    intent: 'HassClimateSetTemperature',
    sentences: [
      '<value_verb> [the] (temperature|heat|heating|thermostat) [(in|on|of|for) {where}] to {temperature} <degrees>',
      '<value_verb> {target} [temperature] to {temperature} <degrees>',
      'turn [the] (temperature|heat|heating|thermostat) (up|down) to {temperature} <degrees> [[in|on] {where}]',
    ],
    domains: ['climate'],
    weak: true,
  },
  { intent: 'HassClimateSetTemperature', sentences: ['(heat|warm|cool|bring) {target} (up|down) to {temperature} <degrees>'], domains: ['climate'], weak: true },
  { intent: 'HassFanSetSpeed', sentences: ['(put|set|turn|run) {target} (on|at) {percentage} percent [speed]', '<value_verb> {target} [speed] (to|at) {percentage} [percent]'], domains: ['fan'], weak: true },
  { intent: 'HassMediaPause', sentences: ['pause {target} (for a|a) (sec|second|moment|minute|bit)'], domains: media, weak: true },
  { intent: 'HassMediaPrevious', sentences: ['(replay|play again|restart) [the] (last|previous) <track> (in|on) {target}'], domains: media, weak: true },

  // Media controls with the player said first, "item", TV shows (Home Assistant's media sentences).
  { intent: 'HassMediaNext', sentences: ['skip {target}', '{target} (next|skip) [track|song|item]'], domains: media, weak: true },
  { intent: 'HassMediaNext', sentences: ['next item [(on|for|in) {target}]', '(on|for) {target} (skip|next [track|song|item]|skip [this|the] (song|track)|skip to the next (song|track))'], domains: media, weak: true },
  {
    intent: 'HassMediaPrevious',
    sentences: [
      'previous item [(on|for|in) {target}]', '(on|for) {target} (go back|previous [track|song|item]|go back to the (previous|last) (song|track))',
      '{target} (play|replay) [the] (previous|last) [song|track] [again]', 'replay [the] (previous|last) (song|track) again',
    ],
    domains: media,
    weak: true,
  },
  { intent: 'HassMediaPlayerMute', sentences: ['{target} (mute|silence)'], domains: media, weak: true },
  { intent: 'HassMediaPlayerUnmute', sentences: ['{target} unmute'], domains: media, weak: true },
  { intent: 'HassMediaPause', sentences: ['{target} (pause|stop)', '(pause|stop) [the|my] ([tv] shows|tv show|media players|media player) [in|on] {where}', '(pause|stop) {where} ([tv] shows|tv show|media players|media player)'], domains: media, weak: true },
  { intent: 'HassMediaUnpause', sentences: ['{target} (resume|unpause|continue)', '(resume|unpause) [the|my] ([tv] shows|tv show|media players|media player) [in|on] {where}', '(resume|unpause) {where} ([tv] shows|tv show|media players|media player)'], domains: media, weak: true },

  // Questions in other words ("is the smoke alarm going off", "is grandpa in", "what is the weather doing").
  { intent: 'HassGetState', sentences: ['(is|are) {target} (going off|triggered|tripped|sounding|ringing) [right now|now]'], slots: { state: 'on' }, domains: ['binary_sensor'], weak: true },
  { intent: 'HassGetState', sentences: ['(did|has) (anyone|anybody|someone|somebody|something|anything) (move|moved|walk|walked|go|gone) (in|on|at|through|past) {where}'], targetWord: 'motion', slots: { state: 'on' }, weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) {target} (in|indoors|around|about|in the house|back yet)'], slots: { state: 'home' }, domains: ['person', 'device_tracker'], weak: true },
  { intent: 'HassGetState', sentences: ['how many (people|persons|of us) (are|is) [at|in] [the] (home|house) [right now|now]'], slots: { domain: 'person', state: 'home' }, weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) {where} flooded', 'is (it|the floor) wet [in|on] {where}'], targetWord: 'leak', slots: { state: 'on' }, weak: true },
  { intent: 'HassGetState', sentences: ['(tell me|do you know) [the] [current] [state|status|value] [of] {target}'], weak: true },
  { intent: 'HassGetWeather', sentences: ['<what_is> the weather (doing|up to) [today|tomorrow|now|right now|outside|later]'], weak: true },
  { intent: 'HassGetCurrentTime', sentences: ['what time (is it|has it|it) got to [now]'], weak: true },

  { intent: 'HassLawnMowerDock', sentences: ['(stop|end|finish) mowing [in|on] {where}'], domains: ['lawn_mower'], weak: true },
  { intent: 'HassVacuumReturnToBase', sentences: ['return (<vacuum>|{target}) [to [the] (base|dock|charger)]'], domains: ['vacuum'], weak: true },
  { intent: 'HassLawnMowerDock', sentences: ['return (<mower>|{target}) [to [the] (base|dock|charger)]'], domains: ['lawn_mower'], weak: true },
  // Machines sent out ("send the roomba out", "mowbot start mowing the grass").
  { intent: 'HassVacuumStart', sentences: ['send (<vacuum>|{target}) (out|off)'], domains: ['vacuum'], weak: true },
  { intent: 'HassLawnMowerStartMowing', sentences: ['(<mower>|{target}) [please] (start|begin|go) (mowing|cutting) [the (grass|lawn|garden|yard)]'], domains: ['lawn_mower'], weak: true },

  // Everyday words for media, machines, lists and greetings (weak: text only).
  { intent: 'HassMediaUnpause', sentences: ['(carry on|continue|resume) [with] [the|my] (audiobook|book|story|album|playlist|radio|station|track|tune|tunes|match|game) [(in|on) {target}]', '(play|start) (again|it again) (in|on) {target}'], domains: media, weak: true },
  { intent: 'HassMediaNext', sentences: ['skip (ahead|forward|on) [a|one] [<track>] [(in|on) {target}]', 'skip (it|this|that) [one] [(in|on) {target}]'], domains: media, weak: true },
  { intent: 'HassMediaPrevious', sentences: ['(rewind|go back|skip back) to the (previous|last) <track> [(in|on) {target}]'], domains: media, weak: true },
  { intent: 'HassSetVolume', sentences: ['(<set>|put) {target} (on|at|to) {volume_level} [percent] volume', '(<set>|put) {target} volume (on|at|to) {volume_level} [percent]'], domains: media, weak: true },
  { intent: 'HassMediaPlayerMute', sentences: ['(mute|silence) {target} for a (minute|moment|sec|second|bit|while)'], domains: media, weak: true },
  { intent: 'HassSetVolumeRelative', sentences: ['(turn|crank|bump) up {target} [volume] by {volume_step} [percent]'], domains: media, weak: true },
  { intent: 'HassSetVolumeRelative', sentences: ['turn down {target} [volume] by {volume_step} [percent]'], domains: media, negate: true, weak: true },
  // The player said before "volume", the amount before the player ("turn the tv volume down", "turn the volume up by 20 on the tv").
  { intent: 'HassSetVolumeRelative', sentences: ['(<turn>|crank|bump|push) {target} (volume|sound) up', '(<turn>|crank|bump) [the] (volume|sound|music) up by {volume_step} [percent] (on|in|for) {target}'], slots: { volume_step: 10 }, domains: media, weak: true },
  { intent: 'HassSetVolumeRelative', sentences: ['<turn> {target} (volume|sound) down'], slots: { volume_step: -10 }, domains: media, weak: true },
  { intent: 'HassSetVolumeRelative', sentences: ['<turn> [the] (volume|sound|music) down by {volume_step} [percent] (on|in|for) {target}'], domains: media, negate: true, weak: true },
  { intent: 'HassLightSet', sentences: ['<turn> [the] brightness (of|on|in|for) {target} (up|down) to {brightness} [percent]', '<turn> {target} brightness (up|down) to {brightness} [percent]'], domains: ['light'], weak: true },
  { intent: 'HassMediaPlayerUnmute', sentences: ['(sound|audio) (back on|on again) [(in|on) {target}]', 'take {target} off mute', 'take the mute off [(in|on) {target}]'], domains: media, weak: true },
  { intent: 'HassTurnOff', sentences: ['(bring|pull|wind|roll) {target} (in|back in)'], domains: covers, weak: true },
  { intent: 'HassVacuumStart', sentences: ['(set|get) (<vacuum>|{target}) (going|started|cleaning|running)'], domains: ['vacuum'], weak: true },
  { intent: 'HassVacuumReturnToBase', sentences: ['(<vacuum>|{target}) [go] (back to [the] (base|dock|charger)|back home|home)'], domains: ['vacuum'], weak: true },
  { intent: 'HassLawnMowerDock', sentences: ['(<mower>|{target}) [go] (back to [the] (base|dock|charger)|back home|home)'], domains: ['lawn_mower'], weak: true },
  { intent: 'HassListCompleteItem', sentences: [
    '(mark|tick) {item} (done|complete|completed|finished|bought|off) (on|in|from) <the> {list} <list_word>',
    '{item} (is|are|was|were) (bought|done|finished|sorted|got|in) [now|already] [so] (tick|cross|check|mark|take) (it|them) off [of] <the> {list} <list_word>',
  ], weak: true },
  { intent: 'HassTurnOn', sentences: ['(pop|stick|flick|whack) {target} on', '(pop|flick) on {target}', 'get {target} (going|started|running|on)'], weak: true },
  { intent: 'HassTurnOn', sentences: ['[it is] [a] (bit|little|rather|quite|pretty|getting|too|so|very) dark [in here|here]', '(it is|its) (a bit|a little) dark [in here|here]'], domains: ['light'], weak: true },
  { intent: 'HassClimateSetTemperature', sentences: ['(crank|whack|knock|push|nudge) [the] (heat|heating|temperature|thermostat) (up|down) to {temperature} <degrees> [[in|on] {where}]'], domains: ['climate'], weak: true },
  { intent: 'HassSetVolumeRelative', sentences: ['(volume|sound|music) up (a bit|a little|a notch|a touch|slightly) [(in|on) {target}]'], slots: { volume_step: 10 }, domains: media, weak: true },
  { intent: 'HassSetVolumeRelative', sentences: ['(volume|sound|music) down (a bit|a little|a notch|a touch|slightly) [(in|on) {target}]'], slots: { volume_step: -10 }, domains: media, weak: true },
  { intent: 'HassStartTimer', sentences: ['[<timer_ask>] [a] timer for [the|my] {timer_name} {duration}'], weak: true },
  { intent: 'HassRespond', sentences: ['(hi|hello|hey) there'], slots: { response: 'hello' }, weak: true },
  // A value said without "percent" after "to" or "at" ("kitchen lights to fifty", "set the lamp at sixty"): only for a
  // target of the kind the value fits.
  { intent: 'HassLightSet', sentences: ['{target} (to|at) {brightness}', '<set> {target} at {brightness}'], domains: ['light'], weak: true },
  { intent: 'HassSetPosition', sentences: ['{target} (to|at) {position}', '<set> {target} at {position}'], domains: covers, weak: true },
  { intent: 'HassFanSetSpeed', sentences: ['{target} (to|at) {percentage}', '<set> {target} at {percentage}'], domains: ['fan'], weak: true },
  { intent: 'HassTurnOn', sentences: ['(put|pull|roll|let|wind|draw) {target} out'], domains: covers, weak: true },
  // Media in everyday words: "hit pause on the tv", "start the music again in the kitchen", "turn it down 10".
  { intent: 'HassMediaPause', sentences: ['(hit|press|push) pause [(on|in) {target}]'], domains: media, weak: true },
  { intent: 'HassMediaUnpause', sentences: ['(hit|press|push) play [(on|in) {target}]', '(start|put) [the] (music|playback|show|film|movie|podcast|audiobook) (back on|again) (in|on) {target}'], domains: media, weak: true },
  { intent: 'HassSetVolumeRelative', sentences: ['<turn> (it|the volume|the sound|the music) up [by] {volume_step} [percent] [(in|on) {target}]'], domains: media, weak: true },
  { intent: 'HassSetVolumeRelative', sentences: ['<turn> (it|the volume|the sound|the music) down [by] {volume_step} [percent] [(in|on) {target}]'], domains: media, negate: true, weak: true },
  // A person home from somewhere ("is sam home from school").
  { intent: 'HassGetState', sentences: ['(is|are) {target} [back] home (from|after) [the] (school|work|college|uni|university|the shops|shopping|practice|football|nursery|holiday|work yet|school yet) [yet]'], slots: { state: 'home' }, domains: ['person', 'device_tracker'], weak: true },
  // A machine by its name, then what to do ("dustin start", "mowbot go").
  { intent: 'HassVacuumStart', sentences: ['{target} (start|go|begin|clean|run)'], domains: ['vacuum'], weak: true },
  { intent: 'HassLawnMowerStartMowing', sentences: ['{target} (start|go|begin|mow|run)'], domains: ['lawn_mower'], weak: true },
  // A measure of a thing asked as a bare noun phrase ("dad's phone battery level", "the battery of the remote").
  { intent: 'HassGetState', sentences: ['[<what_is>] {target} (battery|charge) (level|status|percentage)', '[<what_is>] [the] (battery|charge) [level] (of|on|for|in) {target}', 'how much (battery|charge|power) (is left|left|remaining|is remaining|is there) (on|in) {target}'], targetWord: 'battery', slots: { domain: 'sensor', device_class: 'battery' }, weak: true },
  // "put some music on in the office": something to play, put on.
  { intent: 'HassMediaSearchAndPlay', sentences: ['(put|stick|pop) some {search_query} on [(in|on) {target}]'], domains: media, weak: true },
  // Home Assistant's "say {response}": Jarvis says the words back.
  { intent: 'HassRespond', sentences: ['(say|respond with|reply with|answer with) {response}'], weak: true },
  { intent: 'HassGetState', sentences: ['(is|are) there (a|an|one) {target} [still|currently|left] {state} [[in|on] {where}]'], weak: true },

  // British everyday phrasings (weak: text only): a track back, a machine sent round or back to its house, a thing that
  // "can go off now", the heating put on a number, a radiator "up to" a number, a room wanted at a number.
  { intent: 'HassMediaPrevious', sentences: ['(back|skip back|go back) (a|one) <track> [(in|on) {target}]'], domains: media, weak: true },
  { intent: 'HassLawnMowerStartMowing', sentences: ['(mow|cut) the (lawn|grass|garden|yard) with (<mower>|{target})'], domains: ['lawn_mower'], weak: true },
  { intent: 'HassLawnMowerDock', sentences: ['(send|put) (<mower>|{target}) back (to|in|into) (his|her|its|their|the) (house|home|hut|shed|garage|base|dock|kennel|charger|box)'], domains: ['lawn_mower'], weak: true },
  { intent: 'HassVacuumReturnToBase', sentences: ['(send|put) (<vacuum>|{target}) back (to|in|into) (his|her|its|their|the) (house|home|hut|base|dock|kennel|charger|box)'], domains: ['vacuum'], weak: true },
  { intent: 'HassVacuumStart', sentences: ['send (<vacuum>|{target}) (round|around|round the house|around the house)'], domains: ['vacuum'], weak: true },
  { intent: 'HassTurnOff', sentences: ['{target} can (go|be turned|be switched) off [now]'], weak: true },
  { intent: 'HassTurnOn', sentences: ['{target} can (come|go|be turned|be switched) on [now]'], weak: true },
  { intent: 'HassClimateSetTemperature', sentences: ['(put|turn|set) (the heating|the heat) (on|up) [to|at] {temperature} [degrees]', '(put|turn|set) (the heating|the heat) on (to|at) {temperature} [degrees] (in|on) {target}'], domains: ['climate'], weak: true },
  { intent: 'HassClimateSetTemperature', sentences: ['{target} (up|down) to {temperature} [degrees]', '(i would like|i want|i would love) {target} (at|to be|to be at|on) {temperature} [degrees]'], domains: ['climate'], weak: true },
  { intent: 'HassGetWeather', sentences: ['(do i|will i|should i|do we|will we) (need|take|bring) (a|my|our) brolly [today|tomorrow|later]'], weak: true },
  // "tick off bananas", "check off the teabags": no list said, so Home Assistant's shopping list, as "cross milk off my list".
  { intent: 'HassShoppingListCompleteItem', sentences: ['(check|tick|cross) off [the|some] {item}'], weak: true },
  // "play the telly again": a player said where the media would be, played again (a search said so is not a player).
  { intent: 'HassMediaUnpause', sentences: ['play {target} again'], domains: media, weak: true },
  // "turn the sound back on on the telly": normalising says "on" once.
  { intent: 'HassMediaPlayerUnmute', sentences: ['(turn|put) the (sound|audio) back on {target}'], domains: media, weak: true },
  // "nothing, cancel that": nothing wanted after all.
  { intent: 'HassNevermind', sentences: ['(nothing|no|nah) (cancel|cancel that|never mind|nevermind|forget it|forget about it)'], weak: true },
  {
    intent: 'HassSetVolume',
    sentences: [
      'turn {target} [volume] (up|down) to {volume_level} [percent]',
      'turn [the] volume (up|down) to {volume_level} [percent] [(on|in|for) {target}]',
      'turn (up|down) [the] volume to {volume_level} [percent] [(on|in|for) {target}]',
      '<value_verb> {target} volume to {volume_level} [percent]',
      '<value_verb> [the] volume (of|on|in|for) {target} to {volume_level} [percent]',
      '(on|in) {target} (<set>|turn [up|down]|change|put) the volume to {volume_level} [percent]',
    ],
    domains: media,
    weak: true,
  },
];
