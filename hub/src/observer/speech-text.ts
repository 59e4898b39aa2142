/**
 * Spoken and transcribed text made readable for the clause reader: whisper's missing apostrophes
 * ("ill", "im", "dont"), homophones of "to" ("remind me two buy"), contractions spelt out ("I'll" →
 * "I will", "gonna" → "going to"), fillers ("uh", "um", "you know") and stutters ("the, the",
 * "I'll, I'll") removed. Only words change; the order of what was said does not.
 */

const WHISPER_FIXES: [RegExp, string][] = [
  [/[’‘]/g, "'"],
  [/[“”]/g, '"'],
  [/\bi\b/g, 'I'],
  [/(?<!\b(?:am|i'm|im|feel|feeling|felt|be|been|was|is|are|so|very|too|got|get|getting)\s+)\bill\b(?=\s+[a-z])/gi, 'I will'],
  [/\bim\b/gi, 'I am'],
  [/\bive\b/gi, 'I have'],
  [/\bdont\b/gi, 'do not'],
  [/\bdoesnt\b/gi, 'does not'],
  [/\bdidnt\b/gi, 'did not'],
  [/\bcant\b/gi, 'can not'],
  [/\bwont\b/gi, 'will not'],
  [/\bisnt\b/gi, 'is not'],
  [/\bhavent\b/gi, 'have not'],
  [/\bthats\b/gi, 'that is'],
  [/\btheyre\b/gi, 'they are'],
  [/\bhes\b/gi, 'he is'],
  [/\bshes\b/gi, 'she is'],
  [/\byoure\b/gi, 'you are'],
  [/\byoud\b/gi, 'you would'],
  [/\b(you|they)ll\b/gi, '$1 will'],
  [/\bweve\b/gi, 'we have'],
  [/\bwhats\b/gi, 'what is'],
  [/\b(could|should|would|was|were|are|has|had)nt\b/gi, '$1 not'],
  [/\blets\b(?=\s+(?:do|get|go|make|say|grab|call|see|try|just|plan|book|meet|pick|take)\b)/gi, 'let us'],
  [/\bits\b(?=\s+(?:due|fine|already|overdue|on|almost|been|a|an|the|not|going|gonna|wrong|ok|okay|done|too|so|my|your|friday|monday|tuesday|wednesday|thursday|saturday|sunday|tomorrow|today|late|over|broken|ready|in|at|like|still|just|really)\b)/gi, 'it is'],
  [/(^|[.,!?]\s*|\b(?:ok|okay|so|ugh|yeah|oh|and|but|well)\s+)were(?=\s+(?:out|going|gonna|driving|hosting|doing|low|almost|all|running|getting|having|flying|leaving|meeting|taking|headed|heading|supposed)\b)/gi, '$1we are'],
  [/\b(?:two|too)\s+(?=(?:the|my|a|an|his|her|our|their|your)\b)/gi, 'to '],
  // Shorthand days in typed or transcribed text ("tmrw", "thurs"), spelt out so the date reader sees them.
  [/\b(?:tmrw|tmrrw|tmr|2morrow|2moro|tomoz|tomorow|tommorow|tommorrow)\b/gi, 'tomorrow'],
  [/\btues\b/gi, 'Tuesday'],
  // "I must to bring", "I need finish": a learner's modal, read as the native one.
  [/\bmust to\b/gi, 'must'],
  [/\bweds\b/gi, 'Wednesday'],
  [/\bthur?s\b/gi, 'Thursday'],
  [/\b(me|need|needs|have|has|got|going|gonna|want|forget|remember|trying|try|ought|able|supposed|promised|forgot)\s+(?:two|too)\b/gi, '$1 to'],
];

const CONTRACTIONS: [RegExp, string][] = [
  [/\bI'll\b/gi, 'I will'],
  [/\bI'm\b/gi, 'I am'],
  [/\bI've\b/gi, 'I have'],
  [/\bI'd\b/gi, 'I would'],
  [/\b(we|you|they|he|she|it|that|there)'ll\b/gi, '$1 will'],
  [/\b(we|you|they)'re\b/gi, '$1 are'],
  [/\b(we|you|they)'ve\b/gi, '$1 have'],
  [/\b(we|you|they|he|she)'d\b/gi, '$1 would'],
  [/\b(it|that|there|he|she|what|who|where|here)'s\b/gi, '$1 is'],
  // "The car's due", "Rent's overdue", "the sink's leaking": a noun's "'s" before a state or a verb is "is", not a possessive.
  [/\b([A-Za-z]+)'s\s+(?=(?:due|overdue|been|going|gonna|making|acting|broken|ready|done|not|getting|coming|leaking|almost|nearly|still|already|full|empty|out|on|off|over|late|expired|expiring|running|at|in)\b)/g, '$1 is '],
  [/\blet's\b/gi, 'let us'],
  [/\bwon't\b/gi, 'will not'],
  [/\bcan't\b/gi, 'can not'],
  [/\bcannot\b/gi, 'can not'],
  [/\b(do|does|did|is|are|was|were|have|has|had|should|would|could|must|need)n't\b/gi, '$1 not'],
  [/\bgonna\b/gi, 'going to'],
  [/\bgotta\b/gi, 'got to'],
  [/\bwanna\b/gi, 'want to'],
  [/\bhafta\b/gi, 'have to'],
];

/** "uh", "um", "you know", "like," and the rest of what fast speech is padded with. */
const FILLERS = /(?:^|(?<=[\s,.;!?—–-]))(?:uh+|um+|umm|uhm|erm|er|hmm+|mm+|you know|i mean|like(?=,))(?=[\s,.;!?—–-]|$)[,]?/gi;

/** Makes a transcript line readable for the clause reader (see the module comment). */
export function normaliseSpeech(text: string): string {
  let t = ` ${text} `;
  for (const [re, to] of WHISPER_FIXES) t = t.replace(re, to);
  for (const [re, to] of CONTRACTIONS) t = t.replace(re, to);
  t = t.replace(FILLERS, ' ');
  // Stutters: "the, the", "I will, I will", "I have to, I have to get" → one.
  for (let n = 3; n >= 1; n--) {
    const words = String.raw`[\w'-]+`;
    const group = Array.from({ length: n }, () => words).join(String.raw`\s+`);
    t = t.replace(new RegExp(String.raw`\b(${group})(?:,?\s+\1\b)+`, 'gi'), '$1');
  }
  // A comma after a word that cannot end a phrase is a pause, not punctuation ("I need to, sign it").
  t = t.replace(/\b(to|will|the|a|an|my|your|our|their|his|her|of|for|with|am|is|are|can|I|we|got to|need to|have to|going to)\s*,\s+(?=\w)/gi, '$1 ');
  return t
    .replace(/\s+,/g, ',')
    .replace(/,(?:\s*,)+/g, ',')
    .replace(/([.!?])\s*,/g, '$1')
    .replace(/(^|[\s])[,]+/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
