/** Types for wink-porter2-stemmer (2.x, CommonJS, no bundled types). */
declare module 'wink-porter2-stemmer' {
  function stem(word: string): string;
  export default stem;
}
