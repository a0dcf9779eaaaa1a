// Types for wink-porter2-stemmer, which ships none.
declare module 'wink-porter2-stemmer' {
  /** The Porter2 (English) stem of a lower-case word. */
  export default function stem(word: string): string;
}
