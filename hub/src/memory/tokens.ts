import porter2 from 'wink-porter2-stemmer';

/**
 * Words that say what a fact or question is about. Question words, carrier phrases, pronouns and the
 * verbs of putting and finding are dropped, so "where did I leave the car?" and "I parked the car on
 * level 3" meet on "car" and "park", and a question in question form meets a fact in statement form.
 */
const STOPWORDS = new Set(
  ('a an the some any my our your their his her its to for of on in at and or but please also just really again too then '
   + 'that this these those it them they he she we i me you us is are was were be been am do does did done have has had '
   + 'what where when who whom which how why what\'s where\'s when\'s who\'s remember remind tell told say said know '
   + 'note jarvis can could would will should there here about again ever any anything something thing things '
   + 'with from by as so if not no yes actually now '
   // Question and carrier words that are not about anything.
   + 'again once mention mentioned recall recalled find found look looking check get got go going need want wanted let '
   + 'keep kept put putting placed place stored store stash stashed hid hidden located locate lives live exactly '
   + 'whats wheres whens whos im ive hey okay ok um uh like one ones thing stuff someone somebody anyone ')
    .split(/\s+/).filter(Boolean),
);

/**
 * Everyday words for the same thing, mapped to one (applied to facts and questions alike). Written from
 * how people talk, not from the question set; each group is a set of words people swap freely.
 */
const SYNONYM_GROUPS: string[][] = [
  ['car', 'vehicle', 'auto', 'truck', 'van'],
  ['park', 'parked', 'parking', 'leave', 'left'],
  ['wifi', 'wi-fi', 'internet', 'network', 'router', 'wireless'],
  ['code', 'password', 'passcode', 'passphrase', 'pin', 'combination', 'combo'],
  ['key', 'keys'],
  ['allergic', 'allergy', 'allergies', 'intolerant', 'intolerance'],
  ['birthday', 'bday', 'born', 'birth'],
  ['doctor', 'dr', 'physician', 'gp', 'pediatrician', 'paediatrician'],
  ['dentist', 'dental', 'orthodontist'],
  ['vet', 'veterinarian', 'vets'],
  ['mom', 'mum', 'mother', 'mommy', 'mama'],
  ['dad', 'father', 'daddy', 'papa'],
  ['grandma', 'grandmother', 'granny', 'nana'],
  ['grandpa', 'grandfather', 'granddad', 'grandad'],
  ['medicine', 'medication', 'meds', 'pills', 'pill', 'prescription', 'tablets'],
  ['appointment', 'appt', 'booking', 'reservation'],
  ['phone', 'cell', 'mobile', 'telephone'],
  ['trash', 'garbage', 'rubbish', 'bin', 'bins', 'recycling'],
  ['favorite', 'favourite', 'likes', 'loves', 'prefers', 'best'],
  ['buy', 'bought', 'purchase', 'purchased'],
  ['shop', 'store'],
  ['kid', 'kids', 'child', 'children'],
  ['house', 'home', 'apartment', 'flat'],
  ['fridge', 'refrigerator', 'freezer'],
  ['closet', 'wardrobe', 'cupboard', 'cabinet'],
  ['couch', 'sofa'],
  ['bike', 'bicycle'],
  ['tv', 'television'],
  ['glasses', 'spectacles', 'specs'],
  ['size', 'sizes', 'fit', 'wear', 'wears'],
  ['lock', 'locked', 'unlock'],
  ['garage', 'carport'],
  ['insurance', 'policy'],
  ['plumber', 'plumbing'],
  ['boss', 'manager'],
  ['school', 'class', 'teacher'],
  ['anniversary', 'wedding'],
  ['owe', 'owes', 'borrowed', 'lent', 'loan', 'debt'],
];
const SYNONYMS = new Map<string, string>();
for (const group of SYNONYM_GROUPS) for (const w of group) SYNONYMS.set(w, group[0]!);

const STEMS = new Map<string, string>();

/** Porter2 stem of a word (cached: the same words come back with every question). */
function stem(word: string): string {
  let s = STEMS.get(word);
  if (s === undefined) {
    s = /\d/.test(word) ? word : porter2(word);
    if (STEMS.size > 20_000) STEMS.clear();
    STEMS.set(word, s);
  }
  return s;
}

/** The content words of a text, lower-case, mapped to one everyday synonym and stemmed, in order. */
export function memoryTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .split(/[^a-z0-9'-]+/)
    .flatMap((w) => (w.includes('-') && !SYNONYMS.has(w) ? w.split('-') : [w]))
    .map((w) => w.replace(/^'+|'+$/g, '').replace(/'s$/, '').replace(/s'$/, 's'))
    .filter((w) => w !== '' && !STOPWORDS.has(w))
    .map((w) => SYNONYMS.get(w) ?? SYNONYMS.get(stem(w)) ?? w)
    .map(stem);
}
