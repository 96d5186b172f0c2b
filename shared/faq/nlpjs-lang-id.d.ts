/** The part of @nlpjs/lang-id (plain JavaScript, no types of its own) that normalize.ts uses. */
declare module "@nlpjs/lang-id" {
  export class StemmerId {
    stemWord(word: string): string;
  }
}
