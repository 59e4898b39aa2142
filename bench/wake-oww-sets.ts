/**
 * The sentences of the wake false-accept benchmark (bench/wake-oww.bench.ts, `wake.oww_fa`), in their own file
 * so that the training script can check what it says against them without loading the benchmark.
 */

/** Sentences with no wake phrase: chit-chat (0–11), near misses (12–18), and "jarvis" as a name inside a sentence (19–24). */
export const NON_WAKE = [
  'we need to buy milk and eggs tomorrow', 'the weather was lovely this afternoon', 'did you see the game last night',
  'remind me to call the dentist on monday', 'the service was slow but the food was great', 'there are jars of jam on the shelf',
  'harvey is coming over for dinner', 'can you pass me the salt please', 'I think the meeting moved to three',
  'the kids have swimming after school', 'my phone battery is almost empty', 'let us watch a film tonight',
  // near misses
  'hey travis, how are you doing', 'hey harvey, come over here', 'hey jarvie, is that you', 'hey marvin, pass the bread',
  'hey service, can we order', 'they jarred the peaches last summer', 'hey charles, nice to see you',
  // the name inside a sentence
  'I asked jarvis to bring the car round', 'my friend jarvis cooks on fridays', 'jarvis said the train was late',
  'we met jarvis at the station', 'the butler in that film is called jarvis', 'did jarvis call you back yesterday',
] as const;

/** The words that make wake.oww_fa's near misses near (and its two chit-chat lines with such words). */
export const FA_BENCH_NEAR_MISS_WORDS = ['travis', 'harvey', 'jarvie', 'marvin', 'service', 'jarred', 'charles', 'jars'] as const;
