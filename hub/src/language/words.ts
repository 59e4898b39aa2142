const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** Spells a whole number 0..999 the way people say it ("one hundred twenty five"). */
export function spellNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999) throw new RangeError(`spellNumber: ${n} is outside 0..999`);
  if (n < 20) return ONES[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? ` ${ONES[n % 10]!}` : '');
  return `${ONES[Math.floor(n / 100)]!} hundred${n % 100 ? ` ${spellNumber(n % 100)}` : ''}`;
}

/**
 * Turns a user's name for something ("Kitchen Light #2", "Kids' Room") into the spoken words the grammar
 * uses: lower case, `&` as "and", numbers spelled out, other punctuation dropped.
 */
export function spokenWords(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\d+/g, (d) => (Number(d) <= 999 ? ` ${spellNumber(Number(d))} ` : ` ${d.split('').map((c) => ONES[Number(c)]).join(' ')} `))
    .replace(/'s\b/g, 's')
    .replace(/[^a-z' ]+/g, ' ')
    .replace(/'/g, '')
    .split(/\s+/)
    .filter((w) => w !== '');
}
