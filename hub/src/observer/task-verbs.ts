/**
 * Verbs that start a to-do, for both extractors (the clause reader and the older string rules): they
 * split "drop off X, get Y, and call Z", accept "I'll <verb> …", and make a to-do of a clause even when
 * compromise does not tag the word as a verb (whisper's lower case). One list, so the two readers do
 * not drift apart. ("pickup" is left out: in speech it is the noun, "the pickup is late".)
 */
export const TASK_VERBS: ReadonlySet<string> = new Set(
  ('call text email phone ring send buy get pick drop book schedule reschedule pay renew return fix clean cancel order ' +
    'reply write finish file submit check make bring pack move feed water wash replace repair sign mail fax print ' +
    'visit help meet tell ask remind change update review prepare cook bake rsvp register charge swing stop grab put ' +
    'set look find sort organize organise clear empty wrap download install rotate inspect confirm sell donate vacuum ' +
    'mow walk follow respond message contact apply refill collect deposit transfer take do back read research plan ' +
    'arrange hire iron sweep mop dust tidy shop ship post hang paint fill scan start go see ping loop chase approve ' +
    'draft prep pull close venmo let swap cover proofread drive run test upload share invite ' +
    'meal add sync deliver finalize finalise outline type record practice study unpack load unload ' +
    // household verbs people say to themselves ("defrost the chicken, wipe the counters")
    'wipe defrost thaw marinate scrub rinse soak trim prune weed rake shovel fold sew mend polish unclog descale ' +
    'sharpen restock recycle').split(' '),
);
