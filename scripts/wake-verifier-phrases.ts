/**
 * What the wake head training (scripts/train-wake-verifier.ts) says: every phrase of its streams and beds. In its
 * own file so a test can check it against the held-out near-miss set (tests/fixtures/wake/heldout-near-misses.json)
 * without running the training.
 */

/** Commands said after "hey jarvis," (written for training; the hit benchmark's commands are others). */
export const COMMANDS = [
  'switch off the hall lamp', 'how warm is it outside', 'play some music', 'lock the front door', 'open the blinds', 'what is on my calendar',
  'dim the lounge lights', 'stop', 'is the garage shut', 'set an alarm for seven', 'pause the film', 'close the curtains', 'what is the weather like',
];
/** Near misses: other names and words after "hey", and sounds like "jarvis". */
export const NEAR = [
  'hey jarvy, over here', 'hey marvis, hello again', 'hey jervis, wait up', 'hey jarred, good morning', 'hey charlie, come and look',
  'hey davis, what is up', 'hey garvey, nice shirt', 'hey chavez, are you ready', 'hey nervous, calm down', 'hey carvers, the turkey is done',
  'hey jarvo, long time', 'hey mavis, lovely hat', 'hey, jar this for me', 'hey artist, show us', 'hey starbuck, more coffee',
  'hey parvis, where is the church', 'hey jaws, the shark is back', 'a jarful of buttons', 'hey jasmine, sit down', 'hey service desk, my laptop broke',
  'hey travis, over here', 'hey harvey, got a minute', 'hey travis', 'hey harvey', 'hey jarvie', 'hey service', 'hey marvin, look at this',
  'hey charles, good to see you', 'hey jarvik, the heart is ready', 'hey garbage truck', 'hey jar, fill up', 'they jarred it shut',
];
/** "jarvis" as a name inside a sentence. */
export const NAMES = [
  'my cousin jarvis lives in leeds', 'the new manager is jarvis smith', 'ask jarvis about the invoice', 'jarvis plays bass in the band',
  'we called the dog jarvis', 'I told jarvis the news already', 'jarvis will pick us up at noon', 'in the comics the assistant is named jarvis',
  'that jarvis character was fun', 'have you met jarvis yet', 'doctor jarvis is on holiday', 'send it to jarvis and me', 'say hi to jarvis',
  'our neighbour is called jarvis', 'jarvis', 'they jarvis', 'hey there jarvis fans',
];
/** Chit-chat. */
export const CHAT = [
  'could you bring the washing in', 'the bus was twenty minutes late today', 'I love the smell of fresh bread', 'where did I leave my glasses',
  'we should paint the fence this weekend', 'the football is on at eight', 'my sister has a new puppy', 'is there any soup left',
  'the garden needs watering again', 'I have a meeting at half past two', 'turn the music down a bit', 'what a strange dream I had',
  'the printer is out of paper', 'let us go for a walk later', 'it might snow on thursday', 'harvest festival is next week',
  'hey, how was your day', 'hey you, come here', 'have a service check on the car', 'the travel agent called',
];

/** Every phrase a recipe says (the wake phrase with each command, near misses, names, chit-chat and the beds' talkers). */
export const TRAINING_PHRASES: readonly string[] = ['hey jarvis', ...COMMANDS.map((c) => `hey jarvis, ${c}`), ...NEAR, ...NAMES, ...CHAT];
